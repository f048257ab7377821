// A polite live region for what just happened ("Saved."). It is always rendered, empty until there is
// something to say, so screen readers notice the change.
import type { ReactNode } from 'react';

export function StatusMessage({ children }: { children?: ReactNode }) {
  return (
    <div role="status" className="status-message">
      {children}
    </div>
  );
}
