import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

/** Asks for a reset link. The API answers the same whether or not the address is registered. */
export function requestPasswordRecovery(email: string) {
  return unwrap(api.POST('/api/v1/password-recovery/{email}', { params: { path: { email } } }));
}

export function useRequestPasswordRecovery() {
  return useMutation({ mutationKey: ['auth', 'password-recovery'], mutationFn: requestPasswordRecovery });
}
