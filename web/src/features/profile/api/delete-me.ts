import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

/** Deletes the account (superusers cannot: 403). */
export function deleteMe() {
  return unwrap(api.DELETE('/api/v1/users/me'));
}

export function useDeleteMe() {
  return useMutation({ mutationKey: ['profile', 'delete'], mutationFn: deleteMe });
}
