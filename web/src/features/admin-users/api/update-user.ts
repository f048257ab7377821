import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type User } from '@/lib/api-client';
import type { paths } from '@/lib/api-schema';
import { userQueryKey } from '@/lib/auth';

export type UpdateUserInput = NonNullable<paths['/api/v1/users/{user_id}']['patch']['requestBody']>['content']['application/json'];

export function updateUser({ id, body }: { id: number; body: UpdateUserInput }) {
  return unwrap(api.PATCH('/api/v1/users/{user_id}', { params: { path: { user_id: id } }, body }));
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['admin-users', 'update'],
    mutationFn: updateUser,
    onSuccess: async (user) => {
      // An administrator editing their own account: the header shows the new name.
      queryClient.setQueryData<User | null>(userQueryKey, (me) => (me && me.id === user.id ? user : me));
      await queryClient.invalidateQueries({ queryKey: ['admin-users'] });
    },
  });
}
