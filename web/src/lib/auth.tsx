// Who is logged in. The access token lives in api-client's memory; a reload loses it, and one silent refresh
// (the HttpOnly cookie) at start restores the session. The current user is a query (GET /users/me) that the
// pages read with useUser() and update with setQueryData after a profile change.
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import {
  api,
  ApiError,
  formBody,
  getAccessToken,
  onSessionEnded,
  refreshAccessToken,
  setAccessToken,
  unwrap,
  type User,
} from './api-client';

export const userQueryKey = ['auth', 'user'] as const;

export function getCurrentUser(): Promise<User> {
  return unwrap(api.GET('/api/v1/users/me'));
}

/** The current user, or null when nobody is logged in (no token and no valid refresh cookie). */
async function restoreSession(): Promise<User | null> {
  const token = getAccessToken() ?? (await refreshAccessToken());
  if (token === null) return null;
  try {
    return await getCurrentUser();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setAccessToken(null);
      return null;
    }
    throw error;
  }
}

export const userQueryOptions = () =>
  queryOptions({ queryKey: userQueryKey, queryFn: restoreSession, staleTime: Infinity, retry: false });

export interface LoginInput {
  email: string;
  password: string;
}

/** Web log-in: the API answers the access token and sets the refresh token as an HttpOnly cookie. */
export async function logIn({ email, password }: LoginInput): Promise<User> {
  const token = await unwrap(
    api.POST('/api/v1/login/access-token', {
      body: { username: email, password },
      bodySerializer: formBody,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
  );
  setAccessToken(token.access_token);
  return getCurrentUser();
}

/** Ends the login on the server (which also clears the cookie). */
export async function logOut(): Promise<void> {
  if (getAccessToken() === null) return;
  try {
    await unwrap(api.POST('/api/v1/logout'));
  } catch (error) {
    // Already over (401) is what we wanted; anything else still ends the session in this page.
    if (!(error instanceof ApiError)) throw error;
  }
}

/** Forgets the session in this page: token, user and every cached answer that belonged to them. */
export function forgetSession(queryClient: QueryClient): void {
  setAccessToken(null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== userQueryKey[0] });
  queryClient.setQueryData(userQueryKey, null);
}

interface AuthState {
  user: User | null;
  /** 'pending' until the session restore at start has answered. */
  status: 'pending' | 'ready';
  /** Why the last session ended, when it did on its own (expired, revoked) or after a password change. */
  endReason: string | null;
  /** Forgets the session in this page and tells the log-in page why (after the API ended the login). */
  endSession: (reason: string) => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const query = useQuery(userQueryOptions());
  const [endReason, setEndReason] = useState<string | null>(null);

  const endSession = useCallback(
    (reason: string) => {
      forgetSession(queryClient);
      setEndReason(reason);
    },
    [queryClient],
  );
  useEffect(() => onSessionEnded(() => endSession('Your session has ended. Please log in again.')), [endSession]);

  const user = query.data ?? null;
  useEffect(() => {
    if (user) setEndReason(null);
  }, [user]);

  const value = useMemo<AuthState>(
    () => ({ user, status: query.isPending ? 'pending' : 'ready', endReason, endSession }),
    [user, query.isPending, endReason, endSession],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (state === null) throw new Error('useAuth() needs an <AuthProvider>');
  return state;
}

export function useUser(): User | null {
  return useAuth().user;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logIn,
    onSuccess: (user) => queryClient.setQueryData(userQueryKey, user),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logOut,
    onSettled: () => forgetSession(queryClient),
  });
}

/** Where to go after logging in: a path of this site only (never `//host` or `https://…`). */
export function safeRedirect(target: string | null | undefined, fallback = '/'): string {
  return target && target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/\\') ? target : fallback;
}

export function loginPath(redirectTo: string): string {
  return `/login?redirectTo=${encodeURIComponent(redirectTo)}`;
}

/** Renders its children for a logged-in user; sends anyone else to /login, and back here afterwards. */
export function ProtectedRoute({ children }: { children: ReactNode }) {
  const { user, status, endReason } = useAuth();
  const location = useLocation();
  if (status === 'pending') {
    return (
      <p role="status" className="loading">
        Loading…
      </p>
    );
  }
  if (!user) {
    const notice = endReason ?? 'Please log in to see that page.';
    return <Navigate to={loginPath(location.pathname + location.search)} replace state={{ notice }} />;
  }
  return children;
}
