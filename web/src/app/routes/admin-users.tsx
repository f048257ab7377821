import { UsersAdmin } from '@/features/admin-users/components/users-admin';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { useUser } from '@/lib/auth';

export function AdminUsersRoute() {
  useDocumentTitle('Users');
  const user = useUser();
  return (
    <>
      <h1>Users</h1>
      {user?.is_superuser ? (
        <UsersAdmin />
      ) : (
        <p role="alert" className="form-error">
          You need administrator rights to manage users. Ask an administrator if you need access.
        </p>
      )}
    </>
  );
}
