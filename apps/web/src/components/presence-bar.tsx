import type { Peer } from '../lib/use-awareness-users';
import { initials } from '../lib/user-color';

/**
 * Avatars of everyone in the document. Clicking someone else follows them (the editor keeps their
 * cursor in view); clicking again stops.
 */
export function PresenceBar(props: {
  peers: Peer[];
  following: number | null;
  onFollow: (clientId: number | null) => void;
}) {
  return (
    <ul className="presence" aria-label="People in this document">
      {props.peers.map((p) => (
        <li key={p.clientId}>
          {p.isSelf ? (
            <span className="avatar" style={{ background: p.user.color }} title={`${p.user.name} (you)`}>
              {initials(p.user.name)}
              <span className="sr-only">{p.user.name} (you)</span>
            </span>
          ) : (
            <button
              type="button"
              className={`avatar${props.following === p.clientId ? ' following' : ''}`}
              style={{ background: p.user.color }}
              aria-pressed={props.following === p.clientId}
              title={
                props.following === p.clientId ? `Stop following ${p.user.name}` : `Follow ${p.user.name}`
              }
              onClick={() => props.onFollow(props.following === p.clientId ? null : p.clientId)}
            >
              {initials(p.user.name)}
              <span className="sr-only">
                {props.following === p.clientId ? `Stop following ${p.user.name}` : `Follow ${p.user.name}`}
              </span>
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
