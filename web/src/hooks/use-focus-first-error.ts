import { useEffect, type RefObject } from 'react';

/** After a failed submit, puts the keyboard focus on the first field marked invalid. */
export function useFocusFirstError(form: RefObject<HTMLFormElement | null>, error: unknown): void {
  useEffect(() => {
    if (!error) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, error]);
}
