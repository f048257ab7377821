import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

export const EVENTS_PAGE_SIZE = 20;

/** A page of the account's security events, newest first; `before`: the last id of the previous page. */
export function getMyEvents({ before }: { before?: number | undefined } = {}) {
  return unwrap(
    api.GET('/api/v1/users/me/events', {
      params: { query: { limit: EVENTS_PAGE_SIZE, ...(before === undefined ? {} : { before }) } },
    }),
  );
}

export const getMyEventsQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: ['profile', 'events'],
    queryFn: ({ pageParam }) => getMyEvents({ before: pageParam }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => (page.length === EVENTS_PAGE_SIZE ? page.at(-1)?.id : undefined),
  });

export function useMyEvents() {
  return useInfiniteQuery(getMyEventsQueryOptions());
}
