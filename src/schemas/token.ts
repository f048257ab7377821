// Token schemas, named as in the original's schemas/token.py, plus the OAuth2 password form.
import { Type, type Static } from 'typebox';

export const Token = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('bearer'),
    expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
    refresh_token: Type.Optional(
      Type.String({
        description:
          'Single-use: POST it to /login/refresh for the next pair. Absent for web clients (`X-CNLearn-Client: web`), ' +
          'which get it as the HttpOnly cookie `cnlearn_refresh` instead.',
      }),
    ),
  },
  { title: 'Token' },
);
export type Token = Static<typeof Token>;

/** OAuth2 password grant (RFC 6749 §4.3) as a form, so the docs' Authorize button works. */
export const LoginForm = Type.Object(
  {
    username: Type.String({ maxLength: 254, description: 'The e-mail address' }),
    password: Type.String({ maxLength: 1024 }),
    grant_type: Type.Optional(Type.String({ pattern: '^password$' })),
    scope: Type.Optional(Type.String({ maxLength: 1024 })),
    client_id: Type.Optional(Type.String({ maxLength: 1024 })),
    client_secret: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { title: 'Body_login_access_token', examples: [{ username: 'mei.lin@example.com', password: 'plum blossoms in the rain' }] },
);
export type LoginForm = Static<typeof LoginForm>;

export const RefreshRequest = Type.Object(
  { refresh_token: Type.String({ minLength: 1, maxLength: 2048 }) },
  { title: 'RefreshRequest', examples: [{ refresh_token: 'Zq2k7VbN0xJ4rT9cWm1pLs6YdH3gAe8uFo5iKyRtQwE' }] },
);

/** Documents (and admits) the header that switches log-in and refresh to the cookie: see core/web-client.ts. */
export const WebClientHeaders = Type.Object({
  'x-cnlearn-client': Type.Optional(
    Type.String({
      maxLength: 64,
      description: '`web`: the refresh token travels as the HttpOnly cookie `cnlearn_refresh`, not in the body.',
    }),
  ),
});
