// Shared primitives and error bodies: the pieces every route schema is built from.
import { Type } from 'typebox';
import { PASSWORD_MAX_LENGTH } from '../core/security.js';

export const Email = Type.String({ format: 'email', maxLength: 254, examples: ['user@example.com'] });

/** The configurable minimum (PASSWORD_MIN_LENGTH, default 8) is checked in code, in code points, before hashing. */
export const Password = Type.String({
  maxLength: PASSWORD_MAX_LENGTH,
  description: `At least PASSWORD_MIN_LENGTH (default 8) and at most ${PASSWORD_MAX_LENGTH} characters.`,
  examples: ['correct horse battery staple'],
});

export const FullName = Type.Union([Type.String({ maxLength: 255 }), Type.Null()]);

export const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const HttpError = Type.Object({ detail: Type.String() }, { title: 'HTTPError' });

/** The 503 of routes that hash or check a password: the hashing queue can be full, besides the database being down. */
export const ServiceBusy = Type.Object(HttpError.properties, {
  title: 'HTTPError',
  description: 'Service busy (too many password hashes queued), or database unavailable: retry after Retry-After seconds',
});

export const ValidationError = Type.Object(
  {
    detail: Type.Array(
      Type.Object(
        {
          loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
          msg: Type.String(),
          type: Type.String(),
        },
        { title: 'ValidationError' },
      ),
    ),
  },
  { title: 'HTTPValidationError' },
);

export const Message = Type.Object({ message: Type.String() }, { title: 'Message' });
