import type { AuthResponse, User } from '@clapboard/shared/api';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, refreshSession, setAccessToken } from './api-client';

interface Session {
  user: User | null;
  /** True until the first refresh attempt has settled. */
  loading: boolean;
  signIn(email: string, password: string): Promise<void>;
  register(name: string, email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
/** Marks that this browser holds a refresh cookie (which scripts cannot read: it is httpOnly). */
const SIGNED_IN_KEY = 'clapboard:signed-in';

/** Holds the signed-in user; restores the session from the refresh cookie on load. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    // Only ask for a refresh when this browser signed in before: a first visit would get a 401
    // that Chromium logs as a console error on the sign-in page.
    if (localStorage.getItem(SIGNED_IN_KEY) !== '1') {
      setLoading(false);
      return;
    }
    refreshSession()
      .then(async (ok) => {
        if (!ok) {
          localStorage.removeItem(SIGNED_IN_KEY);
          return setUser(null);
        }
        // GET /me answers `{ user }`; older builds answered the bare user.
        const me = await api<{ user: User } | User>('/me');
        setUser('user' in me ? me.user : me);
      })
      .catch(() => setUser(null))
      .finally(() => setLoading(false));
  }, []);

  const accept = useCallback((res: AuthResponse) => {
    localStorage.setItem(SIGNED_IN_KEY, '1');
    setAccessToken(res.accessToken);
    setUser(res.user);
  }, []);

  const value = useMemo<Session>(
    () => ({
      user,
      loading,
      signIn: async (email, password) =>
        accept(await api<AuthResponse>('/auth/login', { method: 'POST', json: { email, password } })),
      register: async (name, email, password) =>
        accept(
          await api<AuthResponse>('/auth/register', { method: 'POST', json: { name, email, password } }),
        ),
      signOut: async () => {
        await api('/auth/logout', { method: 'POST' }).catch(() => {});
        localStorage.removeItem(SIGNED_IN_KEY);
        setAccessToken(null);
        setUser(null);
      },
    }),
    [user, loading, accept],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
