// Bodies of the e-mailed-link endpoints (password reset, e-mail verification), named as in the original's
// schemas: the token is the opaque string from the link's `?token=`.
import { Type, type Static } from 'typebox';
import { Email, Password } from './common.js';

/** As long as the refresh token's limit: anything longer cannot be one of ours and is refused before a lookup. */
const LinkToken = Type.String({ minLength: 1, maxLength: 2048, description: 'The `token` query parameter of the e-mailed link' });

export const PasswordRecoveryParams = Type.Object({ email: Email });
export type PasswordRecoveryParams = Static<typeof PasswordRecoveryParams>;

export const NewPassword = Type.Object({ token: LinkToken, new_password: Password }, { title: 'NewPassword' });
export type NewPassword = Static<typeof NewPassword>;

export const VerifyEmail = Type.Object({ token: LinkToken }, { title: 'VerifyEmail' });
export type VerifyEmail = Static<typeof VerifyEmail>;
