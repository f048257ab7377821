import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

/** Ends one login of the account (not this one: that is logging out). */
export function endSession(sessionId: string) {
  return unwrap(api.DELETE('/api/v1/users/me/sessions/{session_id}', { params: { path: { session_id: sessionId } } }));
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['profile', 'end-session'],
    mutationFn: endSession,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['profile'] }),
  });
}
