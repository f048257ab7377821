import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

/** The account's live logins, newest first; `current` marks this one. */
export function getSessions() {
  return unwrap(api.GET('/api/v1/users/me/sessions'));
}

export const sessionsQueryKey = ['profile', 'sessions'] as const;

export const getSessionsQueryOptions = () => queryOptions({ queryKey: sessionsQueryKey, queryFn: getSessions });

export function useSessions() {
  return useQuery(getSessionsQueryOptions());
}
