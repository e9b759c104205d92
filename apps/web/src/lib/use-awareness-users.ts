import { useEffect, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';

/** What each peer publishes in its awareness `user` field (y-codemirror.next reads name and colour). */
export interface AwarenessUser {
  id: string;
  name: string;
  color: string;
  colorLight: string;
}

export interface Peer {
  clientId: number;
  user: AwarenessUser;
  isSelf: boolean;
  /** y-codemirror.next's cursor field: relative positions as JSON. */
  cursor: { anchor: unknown; head: unknown } | null;
}

function readPeers(provider: WebsocketProvider): Peer[] {
  const out: Peer[] = [];
  provider.awareness.getStates().forEach((state, clientId) => {
    const user = state.user as AwarenessUser | undefined;
    if (!user?.name) return;
    out.push({
      clientId,
      user,
      isSelf: clientId === provider.awareness.clientID,
      cursor: state.cursor ?? null,
    });
  });
  return out.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.clientId - b.clientId);
}

/** Everyone present in the document (self first), re-rendered on every awareness change. */
export function useAwarenessPeers(provider: WebsocketProvider): Peer[] {
  const [peers, setPeers] = useState(() => readPeers(provider));
  useEffect(() => {
    const update = () => setPeers(readPeers(provider));
    provider.awareness.on('change', update);
    update();
    return () => provider.awareness.off('change', update);
  }, [provider]);
  return peers;
}
