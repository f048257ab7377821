import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { paths } from '@/lib/api-schema';

export type RegisterInput = NonNullable<paths['/api/v1/users/register']['post']['requestBody']>['content']['application/json'];

export function registerUser(body: RegisterInput) {
  return unwrap(api.POST('/api/v1/users/register', { body }));
}

export function useRegister() {
  return useMutation({ mutationKey: ['auth', 'register'], mutationFn: registerUser });
}
