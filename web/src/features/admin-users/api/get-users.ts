import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

export const USERS_PAGE_SIZE = 10;

export interface UsersQuery {
  page: number;
  /** Part of an e-mail address, any letter case; '' for everyone. */
  search: string;
}

/** One page of users, by id, and how many match in all. */
export function getUsers({ page, search }: UsersQuery) {
  return unwrap(
    api.GET('/api/v1/users', {
      params: {
        query: {
          skip: page * USERS_PAGE_SIZE,
          limit: USERS_PAGE_SIZE,
          q: search === '' ? undefined : search,
        },
      },
    }),
  );
}

export const usersQueryKey = ['admin-users', 'list'] as const;

export const getUsersQueryOptions = (query: UsersQuery) =>
  queryOptions({ queryKey: [...usersQueryKey, query], queryFn: () => getUsers(query) });

export function useUsers(query: UsersQuery) {
  // The previous page stays on screen while the next one loads.
  return useQuery({ ...getUsersQueryOptions(query), placeholderData: keepPreviousData });
}
