// A native button. `pending` marks it aria-disabled while its action runs: it stays focusable (a disabled
// button would drop the keyboard focus to the page) and keeps its name, and clicks do nothing meanwhile.
// Forms also ignore submits while pending (Enter in a field submits without clicking).
import type { ComponentProps } from 'react';

export interface ButtonProps extends ComponentProps<'button'> {
  variant?: 'primary' | 'secondary' | 'danger';
  pending?: boolean;
}

export function Button({ variant = 'primary', pending = false, className, type = 'button', onClick, ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={['button', `button-${variant}`, className].filter(Boolean).join(' ')}
      aria-disabled={pending || undefined}
      aria-busy={pending || undefined}
      onClick={pending ? (event) => event.preventDefault() : onClick}
      {...rest}
    />
  );
}
