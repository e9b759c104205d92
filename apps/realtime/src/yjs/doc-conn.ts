import type { Role } from '@clapboard/shared/roles';
import type { WebSocket } from 'ws';
import type { AwarenessBudget } from './awareness-guard';

/** One authorized WebSocket connection to a document. */
export interface DocConn {
  ws: WebSocket;
  userId: string;
  /** Current role, from Postgres at connect and from membership notifications after. */
  role: Role;
  /** Awareness client ids this connection controls, removed when it closes. */
  awarenessIds: Set<number>;
  /** Rate budget of this connection's awareness updates. */
  awarenessBudget: AwarenessBudget;
}
