import { SecurityEventsTable } from '@/components/security-events-table';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Loading } from '@/components/ui/loading';
import { formErrors } from '@/lib/api-client';
import { useMyEvents } from '../api/get-my-events';

export function SecurityHistory() {
  const events = useMyEvents();
  if (events.isPending) return <Loading label="Loading your security history…" />;
  if (events.isError) return <FormError message={formErrors(events.error, []).formError} />;
  const all = events.data.pages.flat();
  if (all.length === 0) return <p>No security events yet.</p>;
  return (
    <>
      <SecurityEventsTable events={all} caption="Security events of your account, newest first" />
      {events.hasNextPage ? (
        <div className="actions">
          <Button variant="secondary" pending={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
            Show older events
          </Button>
        </div>
      ) : null}
    </>
  );
}
