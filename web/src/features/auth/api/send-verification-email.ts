import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

/** E-mails the logged-in user a new verification link. */
export function sendVerificationEmail() {
  return unwrap(api.POST('/api/v1/users/me/verify-email'));
}

export function useSendVerificationEmail() {
  return useMutation({ mutationKey: ['auth', 'send-verification-email'], mutationFn: sendVerificationEmail });
}
