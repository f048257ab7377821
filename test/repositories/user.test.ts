// The original's test_crud_user, step by step, with the hashing functions mocked as mock.patch did there.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { users } from '../../src/db/schema.js';
import * as security from '../../src/core/security.js';
import { UserRepository } from '../../src/repositories/user.js';
import { createTestDatabase } from '../helpers/database.js';

vi.mock('../../src/core/security.js', async (importOriginal) => {
  const actual = await importOriginal<typeof security>();
  return { ...actual, hashPassword: vi.fn(actual.hashPassword), verifyPassword: vi.fn(actual.verifyPassword) };
});

const mockedHash = vi.mocked(security.hashPassword);
const mockedVerify = vi.mocked(security.verifyPassword);

const EMAIL = 'fake@example.com';
const NEW_EMAIL = 'changed@example.com';
const NO_SUCH_EMAIL = 'nosuchuser@example.com';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('UserRepository (test_crud_user)', () => {
  it('walks a user through its whole life', async () => {
    const user = new UserRepository(database.db);

    expect(await user.get(1)).toBeUndefined();

    mockedHash.mockResolvedValue('MockedPassword');
    const newUser = await user.create({ password: 'amazing!', email: EMAIL, full_name: 'Fake Name' });
    expect(newUser.email).toBe(EMAIL);
    expect(newUser.full_name).toBe('Fake Name');
    expect(newUser.hashed_password).toBe('MockedPassword');
    expect(newUser.is_active).toBe(true);
    expect(newUser.is_superuser).toBe(false);
    expect(mockedHash).toHaveBeenCalledWith('amazing!', expect.anything());
    const userId = newUser.id;

    expect(await user.get(userId)).toMatchObject({ id: userId, email: EMAIL });
    expect(await user.getMulti()).toHaveLength(1);

    const updated = await user.update(newUser, { email: NEW_EMAIL });
    expect(updated?.email).toBe(NEW_EMAIL);
    expect(updated?.hashed_password).toBe('MockedPassword');

    mockedHash.mockResolvedValue('MockedPassword2');
    const patch = { password: 'getsoverwrittenbythehash' };
    const rehashed = await user.update(updated!, patch);
    expect(rehashed?.hashed_password).toBe('MockedPassword2');
    expect(patch).toEqual({ password: 'getsoverwrittenbythehash' }); // the caller's object is untouched (bug 8)

    const byEmail = await user.getByEmail(NEW_EMAIL);
    expect(byEmail?.email).toBe(NEW_EMAIL);
    expect(byEmail?.id).toBe(userId);
    expect(await user.getByEmail(NEW_EMAIL.toUpperCase())).toMatchObject({ id: userId });
    expect(await user.getByEmail(NO_SUCH_EMAIL)).toBeUndefined();

    expect(user.isActive(rehashed!)).toBe(true);
    expect(user.isSuperuser(rehashed!)).toBe(false);

    expect(await user.authenticate(NO_SUCH_EMAIL, 'asd')).toBeUndefined();

    mockedVerify.mockResolvedValue({ valid: false, needsRehash: false });
    expect(await user.authenticate(NEW_EMAIL, 'asd')).toBeUndefined();
    expect(mockedVerify).toHaveBeenCalled();

    mockedVerify.mockClear();
    mockedVerify.mockResolvedValue({ valid: true, needsRehash: false });
    expect(await user.authenticate(NEW_EMAIL, 'doesntmatter')).toMatchObject({ id: userId });
    expect(mockedVerify).toHaveBeenCalledWith('doesntmatter', 'MockedPassword2', expect.anything());

    const removed = await user.remove(userId);
    expect(removed?.id).toBe(userId);
    expect(await user.getMulti()).toHaveLength(0);
    expect(await user.remove(userId)).toBeUndefined(); // the original crashed here (bug 9)
  });

  it('pages with skip and limit in id order', async () => {
    mockedHash.mockResolvedValue('MockedPassword');
    const user = new UserRepository(database.db);
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push(await user.create({ email: `page${i}@example.com`, password: 'whatever!' }));
    const page = await user.getMulti({ skip: 1, limit: 2 });
    expect(page.map((row) => row.id)).toEqual([created[1]!.id, created[2]!.id]);
    expect(await user.count()).toBe(5);
  });

  it('runs inside a transaction and rolls back with it', async () => {
    mockedHash.mockResolvedValue('MockedPassword');
    const before = await new UserRepository(database.db).count();
    await expect(
      database.db.transaction(async (tx) => {
        await new UserRepository(tx).create({ email: 'rolled-back@example.com', password: 'whatever!' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await new UserRepository(database.db).count()).toBe(before);
    expect(await new UserRepository(database.db).getByEmail('rolled-back@example.com')).toBeUndefined();
  });

  it('rehashes a legacy bcrypt hash after a successful authentication', async () => {
    mockedHash.mockRestore();
    mockedVerify.mockRestore();
    const user = new UserRepository(database.db);
    const created = await user.create({ email: 'legacy@example.com', password: 'placeholder' });
    // A $2b$ bcrypt hash, as the original's passlib setup wrote them (cost 4 to keep the test quick).
    const legacyHash = await bcrypt.hash('legacy-password', 4);
    await database.db.update(users).set({ hashed_password: legacyHash }).where(eq(users.id, created.id));
    expect(await user.authenticate('legacy@example.com', 'wrong-password')).toBeUndefined();
    const authenticated = await user.authenticate('legacy@example.com', 'legacy-password');
    expect(authenticated?.hashed_password).toMatch(/^\$argon2id\$/);
    expect(await user.authenticate('legacy@example.com', 'legacy-password')).toBeDefined();
  });
});
