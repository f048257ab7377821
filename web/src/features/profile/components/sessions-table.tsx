import { useNavigate } from 'react-router';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Loading } from '@/components/ui/loading';
import { StatusMessage } from '@/components/ui/status-message';
import { formErrors } from '@/lib/api-client';
import { useLogout } from '@/lib/auth';
import { describeDevice, formatDateTime, pluralize } from '@/utils/format';
import { useEndOtherSessions } from '../api/end-other-sessions';
import { useEndSession } from '../api/end-session';
import { useSessions } from '../api/get-sessions';

export function SessionsTable() {
  const sessions = useSessions();
  const endOne = useEndSession();
  const endOthers = useEndOtherSessions();
  const logout = useLogout();
  const navigate = useNavigate();

  if (sessions.isPending) return <Loading label="Loading your logins…" />;
  if (sessions.isError) return <FormError message={formErrors(sessions.error, []).formError} />;

  const error = formErrors(endOne.error ?? endOthers.error, []).formError;
  let done: string | null = null;
  if (endOthers.data) {
    done = endOthers.data.ended === 0 ? 'There were no other logins to end.' : `Ended ${pluralize(endOthers.data.ended, 'other login')}.`;
  } else if (endOne.isSuccess) {
    done = 'That login has been ended.';
  }

  return (
    <>
      <FormError message={error} />
      {sessions.data.length === 0 ? (
        <p>No active logins.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Where your account is logged in, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
                <th scope="col">Logged in</th>
                <th scope="col">Last active</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((session) => (
                <tr key={session.id}>
                  <td>
                    {describeDevice(session.user_agent)}
                    {session.current ? <strong className="badge">This device</strong> : null}
                  </td>
                  <td>{session.ip ?? 'Unknown'}</td>
                  <td>
                    <time dateTime={session.created_at}>{formatDateTime(session.created_at)}</time>
                  </td>
                  <td>
                    <time dateTime={session.last_used_at}>{formatDateTime(session.last_used_at)}</time>
                  </td>
                  <td>
                    {session.current ? (
                      <Button
                        variant="secondary"
                        pending={logout.isPending}
                        onClick={() => {
                          void navigate('/', { state: { notice: 'You have logged out.' } });
                          logout.mutate();
                        }}
                      >
                        Log out
                      </Button>
                    ) : (
                      <Button
                        variant="secondary"
                        pending={endOne.isPending && endOne.variables === session.id}
                        onClick={() => {
                          endOthers.reset();
                          endOne.mutate(session.id);
                        }}
                      >
                        Log out
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions">
        <Button
          variant="secondary"
          pending={endOthers.isPending}
          onClick={() => {
            endOne.reset();
            endOthers.mutate();
          }}
        >
          Log out everywhere else
        </Button>
      </div>
      <StatusMessage>{done ? <p>{done}</p> : null}</StatusMessage>
    </>
  );
}
