// "Are you sure?" for destructive actions: the confirm button (named by `confirmLabel`, "Delete" by default)
// and "Cancel", which has the focus when the dialog opens, so Enter alone never destroys anything.
import { useId, useRef, type ReactNode } from 'react';
import { Button } from './button';
import { FormError } from './form-error';
import { Modal } from './modal';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
  error?: string | undefined;
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel = 'Delete',
  onConfirm,
  onCancel,
  pending = false,
  error,
}: ConfirmDialogProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const bodyId = useId();
  return (
    <Modal title={title} onClose={onCancel} initialFocus={cancelRef} describedBy={bodyId}>
      <div id={bodyId}>{children}</div>
      <FormError message={error} />
      <div className="actions">
        <Button variant="danger" pending={pending} onClick={onConfirm}>
          {confirmLabel}
        </Button>
        <Button variant="secondary" ref={cancelRef} onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </Modal>
  );
}
