import { useLocation } from 'react-router';

/** A message handed to the next page by navigate(to, { state: { notice } }): "Your password was changed." */
export interface NoticeState {
  notice?: string;
}

export function useNotice(): string | undefined {
  const state = useLocation().state as NoticeState | null;
  return typeof state?.notice === 'string' ? state.notice : undefined;
}
