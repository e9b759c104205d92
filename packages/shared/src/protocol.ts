/**
 * The Yjs WebSocket endpoint speaks the y-websocket wire protocol (varuint message type, then
 * payload). These are the outer message types; sync sub-types come from y-protocols.
 */
export const YJS_MESSAGE = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;

/**
 * Named close codes for the Yjs endpoint (4000–4999 is the application range). A client can tell
 * why it was refused and whether reconnecting can help.
 */
export const CLOSE_CODES = {
  /** No ticket, malformed ticket, bad signature. Do not retry with the same ticket. */
  unauthorized: 4401,
  /** Ticket expired; fetch a new one and reconnect. */
  ticketExpired: 4402,
  /** Ticket is for another document, or the member was removed. */
  forbidden: 4403,
  /** Project does not exist or was deleted. */
  notFound: 4404,
  /** Message could not be decoded. */
  malformedMessage: 4400,
  /** Message larger than DOC_LIMITS.maxMessageBytes. */
  messageTooLarge: 4413,
  /** Document would grow past DOC_LIMITS.maxDocumentBytes. */
  documentTooLarge: 4414,
  /** Too many connections to this document. */
  tooManyConnections: 4429,
  /** Presence (awareness) updates too large or too frequent: see AWARENESS_LIMITS. */
  awarenessFlood: 4430,
  /** Role changed; reconnect with a new ticket to get the new rights. */
  roleChanged: 4409,
  /** Server shutting down; reconnect (to another instance). */
  goingAway: 1001,
} as const;
export type CloseCodeName = keyof typeof CLOSE_CODES;

/** Reverse lookup for logs and tests. */
export function closeCodeName(code: number): CloseCodeName | undefined {
  return (Object.keys(CLOSE_CODES) as CloseCodeName[]).find((k) => CLOSE_CODES[k] === code);
}

/** The largest Socket.IO message (one event with its arguments) the realtime server accepts. */
export const SOCKET_MAX_MESSAGE_BYTES = 64 * 1024;
