import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

export const USER_EVENTS_LIMIT = 50;

/** The latest security events of any user, newest first. */
export function getUserEvents(id: number) {
  return unwrap(
    api.GET('/api/v1/users/{user_id}/events', {
      params: { path: { user_id: id }, query: { limit: USER_EVENTS_LIMIT } },
    }),
  );
}

export const getUserEventsQueryOptions = (id: number) =>
  queryOptions({ queryKey: ['admin-users', 'events', id], queryFn: () => getUserEvents(id) });

export function useUserEvents(id: number) {
  return useQuery(getUserEventsQueryOptions(id));
}
