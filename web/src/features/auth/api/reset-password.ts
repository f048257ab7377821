import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

export interface ResetPasswordInput {
  token: string;
  new_password: string;
}

export function resetPassword(body: ResetPasswordInput) {
  return unwrap(api.POST('/api/v1/reset-password', { body }));
}

export function useResetPassword() {
  return useMutation({ mutationKey: ['auth', 'reset-password'], mutationFn: resetPassword });
}
