import { z } from 'zod';
import { roleSchema } from './roles';
import { safeText } from './text';

/** Realtime tickets live 60 s: long enough to connect, short enough that a leaked one is useless. */
export const TICKET_TTL_SEC = 60;
/** JWT audience of realtime tickets; access tokens carry a different one so neither passes for the other. */
export const TICKET_AUDIENCE = 'clapboard-realtime';

export const ticketRequestSchema = z.object({ projectId: safeText().uuid() });
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
  expiresAt: z.number().int(),
});
export type TicketClaims = z.infer<typeof ticketClaimsSchema>;
