import { type TicketResponse, type TicketScope, ticketResponseSchema } from '@clapboard/shared/tickets';
import { api } from './api-client';

/**
 * A fresh 60-second realtime ticket for a project (and the caller's role in it). Tickets expire
 * quickly on purpose, so callers ask for a new one on every (re)connect rather than caching.
 * `variants` asks for one that opens only the project's client-visible variant events (a guest's).
 */
export function fetchTicket(projectId: string, scope: TicketScope = 'workspace'): Promise<TicketResponse> {
  return api('/realtime/tickets', ticketResponseSchema, { method: 'POST', json: { projectId, scope } });
}
