import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { paths } from '@/lib/api-schema';

export type CreateUserInput = NonNullable<paths['/api/v1/users']['post']['requestBody']>['content']['application/json'];

export function createUser(body: CreateUserInput) {
  return unwrap(api.POST('/api/v1/users', { body }));
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['admin-users', 'create'],
    mutationFn: createUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin-users'] }),
  });
}
