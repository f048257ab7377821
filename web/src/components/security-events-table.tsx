// A table of security events (log-ins, failures, password and e-mail changes…), newest first. Shared by the
// profile's "Security history" and the administrators' per-user "History".
import type { SecurityEvent } from '@/lib/api-client';
import { describeDevice, describeEvent, formatDateTime } from '@/utils/format';

export function SecurityEventsTable({ events, caption }: { events: SecurityEvent[]; caption: string }) {
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">When</th>
            <th scope="col">IP address</th>
            <th scope="col">Device</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>{describeEvent(event)}</td>
              <td>
                <time dateTime={event.created_at}>{formatDateTime(event.created_at)}</time>
              </td>
              <td>{event.ip ?? 'Unknown'}</td>
              <td>{describeDevice(event.user_agent)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
