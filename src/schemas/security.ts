// A user's logins and security history, as /users/me/sessions and /users/me/events show them.
import { Type, type Static } from 'typebox';
import { SECURITY_EVENT_TYPES } from '../db/schema.js';


const Timestamp = Type.String({ format: 'date-time' });
const Client = {
  ip: Type.Union([Type.String(), Type.Null()], { description: 'The client address (behind a proxy: as TRUST_PROXY resolves it)' }),
  user_agent: Type.Union([Type.String(), Type.Null()], { description: 'The User-Agent header, at most 512 characters' }),
};

export const SessionPublic = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    created_at: Timestamp,
    last_used_at: Type.String({ format: 'date-time', description: 'The start, or the last refresh (not every request)' }),
    ...Client,
    current: Type.Boolean({ description: 'The login of the token making this request' }),
  },
  { title: 'SessionPublic' },
);
export type SessionPublic = Static<typeof SessionPublic>;

export const SessionIdParams = Type.Object({ session_id: Type.String({ format: 'uuid' }) });

export const SessionsEnded = Type.Object({ ended: Type.Integer({ minimum: 0 }) }, { title: 'SessionsEnded' });

export const SecurityEventPublic = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    type: Type.Enum([...SECURITY_EVENT_TYPES]),
    created_at: Timestamp,
    ...Client,
    count: Type.Integer({ minimum: 1, description: 'Failed log-ins beyond 10 an hour are counted on one event' }),
  },
  { title: 'SecurityEventPublic' },
);

export const SecurityEventsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Only events older than this id (the last id of the previous page)' })),
});
export type SecurityEventsQuery = Static<typeof SecurityEventsQuery>;


