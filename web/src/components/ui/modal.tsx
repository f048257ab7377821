// A modal <dialog> opened with showModal(): the browser keeps focus inside it and makes the page behind it
// inert. Mount it to open it, unmount it to close it. Escape (the dialog's cancel event) asks the owner to
// close it; on close, focus goes back to the element that opened it.
import { useId, useLayoutEffect, useRef, type ReactNode, type RefObject } from 'react';

export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** The element to focus on open; by default the browser's choice (the first focusable element). */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Extra text read with the title when the dialog opens. */
  describedBy?: string;
}

export function Modal({ title, onClose, children, initialFocus, describedBy }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    initialFocus?.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // The opener may be gone (its row deleted): then the page's heading.
      const target = opener?.isConnected ? opener : document.querySelector<HTMLElement>('main h1');
      target?.focus();
    };
    // Opened once per mount (the owner unmounts the modal to close it), so no dependencies.
  }, []);

  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
