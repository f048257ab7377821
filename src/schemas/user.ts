// User schemas, named as in the original's Pydantic module. `User` is the public shape: serialising through it
// drops every other column (hashed_password above all), as `response_model=User` did.
import { Type, type Static } from 'typebox';
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
  { title: 'UserRegister' },
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
  { title: 'UserCreate' },
);
export type UserCreate = Static<typeof UserCreate>;

export const UserUpdate = Type.Partial(UserCreate, { title: 'UserUpdate' });
export type UserUpdate = Static<typeof UserUpdate>;
