import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { formErrors, type User } from '@/lib/api-client';
import { forgetSession } from '@/lib/auth';
import { useDeleteMe } from '../api/delete-me';

export function DeleteAccount({ user }: { user: User }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const close = () => {
    setConfirming(false);
    remove.reset();
  };
  return (
    <>
      <p>Deleting your account removes it and ends all its logins. This cannot be undone.</p>
      {user.is_superuser ? (
        <p className="field-hint">Administrators cannot delete their own account; another administrator can.</p>
      ) : null}
      <div className="actions">
        <Button variant="danger" onClick={() => setConfirming(true)}>
          Delete account
        </Button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title="Delete your account?"
          pending={remove.isPending}
          error={formErrors(remove.error, []).formError}
          onCancel={close}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: async () => {
                // Off the protected page first, then forget the (now deleted) session.
                await navigate('/', { state: { notice: 'Your account has been deleted.' } });
                forgetSession(queryClient);
              },
            })
          }
        >
          <p>
            This deletes the account {user.email} and ends all its logins. You cannot undo this.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
