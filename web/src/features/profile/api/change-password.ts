import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

export interface ChangePasswordInput {
  current_password: string;
  new_password: string;
}

/** Changes the password. The API then ends every login of the account, this one included. */
export function changePassword(body: ChangePasswordInput) {
  return unwrap(api.PATCH('/api/v1/users/me/password', { body }));
}

export function useChangePassword() {
  return useMutation({ mutationKey: ['profile', 'change-password'], mutationFn: changePassword });
}
