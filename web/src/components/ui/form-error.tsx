// The one error region of a form: the API's `detail` (or a summary of the field errors). role="alert" makes
// a screen reader announce it as it appears.
import type { ReactNode } from 'react';

export function FormError({ message, children }: { message?: string | undefined; children?: ReactNode }) {
  if (!message) return null;
  return (
    <div role="alert" className="form-error">
      <p>{message}</p>
      {children}
    </div>
  );
}
