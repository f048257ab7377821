import { useRef } from 'react';
import { SecurityEventsTable } from '@/components/security-events-table';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Loading } from '@/components/ui/loading';
import { Modal } from '@/components/ui/modal';
import { formErrors, type User } from '@/lib/api-client';
import { USER_EVENTS_LIMIT, useUserEvents } from '../api/get-user-events';

export function UserHistoryDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const events = useUserEvents(user.id);
  const closeRef = useRef<HTMLButtonElement>(null);
  let body;
  if (events.isPending) body = <Loading label="Loading the security history…" />;
  else if (events.isError) body = <FormError message={formErrors(events.error, []).formError} />;
  else if (events.data.length === 0) body = <p>No security events for this user yet.</p>;
  else {
    body = (
      <>
        <SecurityEventsTable events={events.data} caption={`Security events of ${user.email}, newest first`} />
        {events.data.length === USER_EVENTS_LIMIT ? <p className="field-hint">The latest {USER_EVENTS_LIMIT} events.</p> : null}
      </>
    );
  }
  return (
    <Modal title={`Security history of ${user.email}`} onClose={onClose} initialFocus={closeRef}>
      {body}
      <div className="actions">
        <Button variant="secondary" ref={closeRef} onClick={onClose}>
          Close
        </Button>
      </div>
    </Modal>
  );
}
