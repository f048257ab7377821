import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

/** Ends every login of the account but this one; answers how many ended. */
export function endOtherSessions() {
  return unwrap(api.DELETE('/api/v1/users/me/sessions'));
}

export function useEndOtherSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['profile', 'end-other-sessions'],
    mutationFn: endOtherSessions,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['profile'] }),
  });
}
