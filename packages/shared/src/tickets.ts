import { z } from 'zod';
import { roleSchema } from './roles';
import { safeText } from './text';

/** Realtime tickets live 60 s: long enough to connect, short enough that a leaked one is useless. */
export const TICKET_TTL_SEC = 60;
/** JWT audience of realtime tickets; access tokens carry a different one so neither passes for the other. */
export const TICKET_AUDIENCE = 'clapboard-realtime';

/**
 * What a ticket opens: `workspace` (the project's document and its Socket.IO rooms, for members who
 * may connect) or `variants` (only the project's client-visible variant events, for whoever may
 * read its variants: a client guest on a shared project). The realtime server refuses the document
 * to a `variants` ticket.
 */
export const TICKET_SCOPES = ['workspace', 'variants'] as const;
export const ticketScopeSchema = z.enum(TICKET_SCOPES);
export type TicketScope = z.infer<typeof ticketScopeSchema>;

export const ticketRequestSchema = z.object({
  projectId: safeText().uuid(),
  scope: ticketScopeSchema.default('workspace'),
});
export type TicketRequest = z.infer<typeof ticketRequestSchema>;

export const ticketResponseSchema = z.object({
  ticket: safeText(),
  expiresAt: safeText(),
  role: roleSchema,
});
export type TicketResponse = z.infer<typeof ticketResponseSchema>;

/** What a verified ticket says: who, which project, which role. */
export const ticketClaimsSchema = z.object({
  userId: safeText().uuid(),
  name: safeText(),
  projectId: safeText().uuid(),
  role: roleSchema,
  /** The sign-in session (refresh family) the ticket was issued to; revoking it closes the sockets. */
  sessionId: safeText().uuid().optional(),
  /** What the ticket opens (tickets signed before scopes were `workspace` ones). */
  scope: ticketScopeSchema.default('workspace'),
  expiresAt: z.number().int(),
});
export type TicketClaims = z.infer<typeof ticketClaimsSchema>;
