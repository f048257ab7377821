// A page of users: e-mail, name, flags, and the Edit, History and Delete buttons of each row.
import { Button } from '@/components/ui/button';
import type { User } from '@/lib/api-client';

export type UserAction = 'edit' | 'history' | 'delete';

export function UsersTable({
  users,
  meId,
  busy,
  onOpen,
}: {
  users: User[];
  /** The administrator's own id: their row is marked "You". */
  meId: number | undefined;
  /** A newer page or search is loading: the rows shown are the previous ones. */
  busy: boolean;
  onOpen: (action: UserAction, user: User) => void;
}) {
  return (
    <div className="table-scroll">
      <table aria-busy={busy || undefined}>
        <caption className="visually-hidden">Users, by id</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Full name</th>
            <th scope="col">Active</th>
            <th scope="col">Superuser</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>
                {user.email}
                {user.id === meId ? <strong className="badge">You</strong> : null}
              </td>
              <td>{user.full_name ?? ''}</td>
              <td>{user.is_active ? 'Yes' : 'No'}</td>
              <td>{user.is_superuser ? 'Yes' : 'No'}</td>
              <td className="row-actions">
                <Button variant="secondary" onClick={() => onOpen('edit', user)}>
                  Edit
                </Button>
                <Button variant="secondary" onClick={() => onOpen('history', user)}>
                  History
                </Button>
                <Button variant="secondary" onClick={() => onOpen('delete', user)}>
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
