import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

/** Spends a verification link's token. */
export function verifyEmail(token: string) {
  return unwrap(api.POST('/api/v1/verify-email', { body: { token } }));
}

// A query rather than a mutation: one request per token however often the page renders (tokens are
// single-use, so a second request would report the link as invalid), and never retried or refetched.
export const verifyEmailQueryOptions = (token: string) =>
  queryOptions({
    queryKey: ['auth', 'verify-email', token],
    queryFn: () => verifyEmail(token),
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });

export function useVerifyEmail(token: string | null) {
  return useQuery({ ...verifyEmailQueryOptions(token ?? ''), enabled: Boolean(token) });
}
