import { useCallback, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';

/** Whether a shared text is empty or only whitespace (as the server judges a script), kept live. */
export function useTextBlank(ytext: Y.Text): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      ytext.observe(onChange);
      return () => ytext.unobserve(onChange);
    },
    [ytext],
  );
  return useSyncExternalStore(subscribe, () => ytext.toString().trim() === '');
}
