import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { paths } from '@/lib/api-schema';
import { userQueryKey } from '@/lib/auth';

export type UpdateMeInput = NonNullable<paths['/api/v1/users/me']['patch']['requestBody']>['content']['application/json'];

/** Changes the name and/or the e-mail (a new e-mail needs the current password, and ends other logins). */
export function updateMe(body: UpdateMeInput) {
  return unwrap(api.PATCH('/api/v1/users/me', { body }));
}

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['profile', 'update'],
    mutationFn: updateMe,
    onSuccess: async (user) => {
      queryClient.setQueryData(userQueryKey, user);
      await queryClient.invalidateQueries({ queryKey: ['profile'] });
    },
  });
}
