// User schemas, named as in the original's Pydantic module. `User` is the public shape: serialising through it
// drops every other column (hashed_password above all), as `response_model=User` did.
import { Type, type Static } from 'typebox';
import { PASSWORD_MAX_LENGTH } from '../core/security.js';
import { Email, FullName, Id, Password } from './common.js';

export const User = Type.Object(
  {
    id: Id,
    email: Email,
    full_name: FullName,
    is_active: Type.Boolean(),
    is_superuser: Type.Boolean(),
  },
  { title: 'User' },
);
export type User = Static<typeof User>;

/** Self-registration: only these three fields are read; anything else in the body is ignored. */
export const UserRegister = Type.Object(
  {
    email: Email,
    password: Password,
    full_name: Type.Optional(FullName),
  },
  { title: 'UserRegister', examples: [{ email: 'mei.lin@example.com', password: 'plum blossoms in the rain', full_name: 'Mei Lin' }] },
);
export type UserRegister = Static<typeof UserRegister>;

export const UserCreate = Type.Object(
  {
    email: Email,
    password: Password,
    full_name: Type.Optional(FullName),
    is_active: Type.Optional(Type.Boolean()),
    is_superuser: Type.Optional(Type.Boolean()),
  },
  {
    title: 'UserCreate',
    examples: [{ email: 'wang.fang@example.com', password: 'tea leaves and river stones', full_name: 'Wang Fang', is_active: true, is_superuser: false }],
  },
);
export type UserCreate = Static<typeof UserCreate>;

export const UserUpdate = Type.Partial(Type.Object(UserCreate.properties), {
  title: 'UserUpdate',
  examples: [{ full_name: 'Wang Fang', is_active: false }],
});
export type UserUpdate = Static<typeof UserUpdate>;

/** PATCH /users/me: the only fields a user may change on their own account; anything else is refused (422). */
export const UserUpdateMe = Type.Object(
  {
    full_name: Type.Optional(FullName),
    email: Type.Optional(Email),
    current_password: Type.Optional(
      Type.String({ maxLength: PASSWORD_MAX_LENGTH, description: 'Required when `email` changes: a stolen token alone cannot move the account.' }),
    ),
  },
  {
    title: 'UserUpdateMe',
    additionalProperties: false,
    examples: [{ email: 'mei.lin@example.org', current_password: 'plum blossoms in the rain' }],
  },
);
export type UserUpdateMe = Static<typeof UserUpdateMe>;

export const UpdatePassword = Type.Object(
  {
    current_password: Type.String({ maxLength: PASSWORD_MAX_LENGTH }),
    new_password: Password,
  },
  { title: 'UpdatePassword', examples: [{ current_password: 'plum blossoms in the rain', new_password: 'lanterns over the west lake' }] },
);
export type UpdatePassword = Static<typeof UpdatePassword>;

export const UsersPublic = Type.Object(
  {
    data: Type.Array(User),
    count: Type.Integer({ minimum: 0, description: 'All users (those matching `q`, when given), whatever the page.' }),
  },
  { title: 'UsersPublic' },
);
export type UsersPublic = Static<typeof UsersPublic>;

/** ?skip&limit of the user list; skip is capped at the largest Postgres integer so OFFSET never overflows. */
export const UsersQuery = Type.Object({
  skip: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  q: Type.Optional(
    Type.String({ maxLength: 254, description: 'Only users whose e-mail address contains this text, ignoring letter case.' }),
  ),
});
export type UsersQuery = Static<typeof UsersQuery>;

export const UserIdParams = Type.Object({ user_id: Id });
export type UserIdParams = Static<typeof UserIdParams>;
