import type { AuthResponse, PasswordChange, User } from '@clapboard/shared/api';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, refreshSession, setAccessToken } from './api-client';

interface Session {
  user: User | null;
  /** True until the first refresh attempt has settled. */
  loading: boolean;
  signIn(email: string, password: string): Promise<void>;
  /** Registers, then signs in with the same password (registration answers alike for any email). */
  register(name: string, email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Ends every session of this account, this one included. */
  signOutEverywhere(): Promise<void>;
  /** Changes the password; other sessions end, this one stays. */
  changePassword(change: PasswordChange): Promise<void>;
  /** Deletes the account (password asked again); throws ApiError 409 with the blocking projects. */
  deleteAccount(password: string): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
/**
 * The response schemas, loaded on first use: zod is the largest piece of the shared contracts and
 * the sign-in page should not wait for it (it arrives while the user types).
 */
const schemas = () => import('@clapboard/shared/api');
void schemas();
async function login(email: string, password: string): Promise<AuthResponse> {
  const { authResponseSchema } = await schemas();
  return api('/auth/login', authResponseSchema, { method: 'POST', json: { email, password } });
}
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
        const { meResponseSchema } = await schemas();
        setUser((await api('/me', meResponseSchema)).user);
      })
      .catch(() => setUser(null))
      .finally(() => setLoading(false));
  }, []);

  const accept = useCallback((session: AuthResponse) => {
    localStorage.setItem(SIGNED_IN_KEY, '1');
    setAccessToken(session.accessToken);
    setUser(session.user);
  }, []);
  const forget = useCallback(() => {
    localStorage.removeItem(SIGNED_IN_KEY);
    setAccessToken(null);
    setUser(null);
  }, []);

  const value = useMemo<Session>(
    () => ({
      user,
      loading,
      signIn: async (email, password) => accept(await login(email, password)),
      register: async (name, email, password) => {
        const { registerAnswerSchema } = await schemas();
        const created = await api('/auth/register', registerAnswerSchema, {
          method: 'POST',
          json: { name, email, password },
        });
        // A new email: 201 with the session. A taken one: 202 without, so try signing in.
        if ('accessToken' in created) return accept(created);
        try {
          accept(await login(email, password));
        } catch (err) {
          // The server does not say whether the email was taken; a failed sign-in right after is the hint.
          if (err instanceof ApiError && err.status === 401)
            throw new ApiError(
              401,
              err.code,
              'Could not sign you in with this email and password. If you already have an account, sign in or reset your password.',
            );
          throw err;
        }
      },
      signOut: async () => {
        const { noContentSchema } = await schemas();
        await api('/auth/logout', noContentSchema, { method: 'POST' }).catch(() => {});
        forget();
      },
      signOutEverywhere: async () => {
        await api('/auth/logout-all', (await schemas()).noContentSchema, { method: 'POST' });
        forget();
      },
      changePassword: async (change) => {
        await api('/me/password', (await schemas()).noContentSchema, { method: 'POST', json: change });
      },
      deleteAccount: async (password) => {
        await api('/me', (await schemas()).noContentSchema, { method: 'DELETE', json: { password } });
        forget();
      },
    }),
    [user, loading, accept, forget],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
