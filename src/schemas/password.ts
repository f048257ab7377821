// Bodies of the e-mailed-link endpoints (password reset, e-mail verification), named as in the original's
// schemas: the token is the opaque string from the link's `?token=`.
import { Type, type Static } from 'typebox';
import { Email, Password } from './common.js';

/** As long as the refresh token's limit: anything longer cannot be one of ours and is refused before a lookup. */
const LinkToken = Type.String({ minLength: 1, maxLength: 2048, description: 'The `token` query parameter of the e-mailed link' });

export const PasswordRecoveryParams = Type.Object({ email: Email });
export type PasswordRecoveryParams = Static<typeof PasswordRecoveryParams>;

const TOKEN_EXAMPLE = 'oF3n1rX0bQk6Jc9dYw2ZtV5sUe8aHm4LgPiRyNq7TkA';

export const NewPassword = Type.Object(
  { token: LinkToken, new_password: Password },
  { title: 'NewPassword', examples: [{ token: TOKEN_EXAMPLE, new_password: 'lanterns over the west lake' }] },
);
export type NewPassword = Static<typeof NewPassword>;

export const VerifyEmail = Type.Object({ token: LinkToken }, { title: 'VerifyEmail', examples: [{ token: TOKEN_EXAMPLE }] });
export type VerifyEmail = Static<typeof VerifyEmail>;
