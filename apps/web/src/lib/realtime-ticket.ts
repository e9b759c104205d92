import { type TicketResponse, ticketResponseSchema } from '@clapboard/shared/tickets';
import { api } from './api-client';

/**
 * A fresh 60-second realtime ticket for a project (and the caller's role in it). Tickets expire
 * quickly on purpose, so callers ask for a new one on every (re)connect rather than caching.
 */
export function fetchTicket(projectId: string): Promise<TicketResponse> {
  return api('/realtime/tickets', ticketResponseSchema, { method: 'POST', json: { projectId } });
}
