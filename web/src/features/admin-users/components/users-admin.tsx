// The users page: search by e-mail, a page of users with their actions, the total, paging, and the create,
// edit, delete and history dialogs. The search and the page live in the address (?q=…&page=…), so reloading
// or going back keeps them.
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Field } from '@/components/ui/field';
import { FormError } from '@/components/ui/form-error';
import { Loading } from '@/components/ui/loading';
import { StatusMessage } from '@/components/ui/status-message';
import { formErrors, type User } from '@/lib/api-client';
import { useUser } from '@/lib/auth';
import { pluralize } from '@/utils/format';
import { useDeleteUser } from '../api/delete-user';
import { USERS_PAGE_SIZE, useUsers } from '../api/get-users';
import { CreateUserDialog, EditUserDialog } from './user-form-dialog';
import { UserHistoryDialog } from './user-history-dialog';
import { UsersTable } from './users-table';

type Open = { kind: 'create' } | { kind: 'edit' | 'delete' | 'history'; user: User } | null;

const SEARCH_DELAY_MS = 300;

function DeleteUserDialog({ user, onClose, onDeleted }: { user: User; onClose: () => void; onDeleted: () => void }) {
  const remove = useDeleteUser();
  return (
    <ConfirmDialog
      title={`Delete ${user.email}?`}
      pending={remove.isPending}
      error={formErrors(remove.error, []).formError}
      onCancel={onClose}
      onConfirm={() => remove.mutate(user.id, { onSuccess: onDeleted })}
    >
      <p>This deletes the account and ends all its logins. You cannot undo this.</p>
    </ConfirmDialog>
  );
}

export function UsersAdmin() {
  const me = useUser();
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const page = Math.max(0, (Number.parseInt(params.get('page') ?? '1', 10) || 1) - 1);
  const [typed, setTyped] = useState(search);
  const [open, setOpen] = useState<Open>(null);
  const [done, setDone] = useState<string | null>(null);
  const users = useUsers({ page, search });

  // The address changed by other means (back, forward, a link): show its search.
  useEffect(() => {
    setTyped((current) => (current.trim() === search ? current : search));
  }, [search]);

  // Search as the user types, once they pause; a new search starts at the first page.
  useEffect(() => {
    if (typed.trim() === search) return;
    const timer = setTimeout(() => {
      setParams(typed.trim() ? { q: typed.trim() } : {}, { replace: true });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed, search, setParams]);

  const goTo = (next: number) => {
    const nextParams = new URLSearchParams(params);
    if (next === 0) nextParams.delete('page');
    else nextParams.set('page', String(next + 1));
    setParams(nextParams);
  };
  const close = () => setOpen(null);
  const count = users.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(count / USERS_PAGE_SIZE));

  return (
    <>
      <div className="toolbar">
        <form
          role="search"
          className="search"
          onSubmit={(event) => {
            event.preventDefault();
            setParams(typed.trim() ? { q: typed.trim() } : {}, { replace: true });
          }}
        >
          <Field
            label="Search by email"
            name="q"
            type="search"
            autoComplete="off"
            value={typed}
            maxLength={254}
            onChange={(event) => setTyped(event.target.value)}
          />
        </form>
        <Button
          onClick={() => {
            setDone(null);
            setOpen({ kind: 'create' });
          }}
        >
          Create user
        </Button>
      </div>
      <StatusMessage>{done ? <p>{done}</p> : null}</StatusMessage>

      {users.isPending ? <Loading label="Loading users…" /> : null}
      {users.isError ? <FormError message={formErrors(users.error, []).formError} /> : null}
      {users.data ? (
        <>
          <p role="status" className="count">
            {pluralize(count, 'user')}
          </p>
          {users.data.data.length === 0 ? (
            <p className="empty">{search ? `No users match “${search}”.` : 'No users on this page.'}</p>
          ) : (
            <UsersTable
              users={users.data.data}
              meId={me?.id}
              busy={users.isFetching}
              onOpen={(kind, user) => setOpen({ kind, user })}
            />
          )}
          <nav aria-label="Pages of users" className="pager">
            <Button variant="secondary" disabled={page === 0} onClick={() => goTo(page - 1)}>
              Previous
            </Button>
            <span>
              Page {Math.min(page + 1, pages)} of {pages}
            </span>
            <Button variant="secondary" disabled={page + 1 >= pages} onClick={() => goTo(page + 1)}>
              Next
            </Button>
          </nav>
        </>
      ) : null}

      {open?.kind === 'create' ? (
        <CreateUserDialog
          onClose={close}
          onCreated={(user) => {
            close();
            setDone(`Created user ${user.email}.`);
          }}
        />
      ) : null}
      {open?.kind === 'edit' ? (
        <EditUserDialog
          user={open.user}
          onClose={close}
          onSaved={(user) => {
            close();
            setDone(`Saved changes to ${user.email}.`);
          }}
        />
      ) : null}
      {open?.kind === 'delete' ? (
        <DeleteUserDialog
          user={open.user}
          onClose={close}
          onDeleted={() => {
            close();
            setDone(`Deleted user ${open.user.email}.`);
          }}
        />
      ) : null}
      {open?.kind === 'history' ? <UserHistoryDialog user={open.user} onClose={close} /> : null}
    </>
  );
}
