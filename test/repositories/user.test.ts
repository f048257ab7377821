// The original's test_crud_user, step by step, with the hashing functions mocked as mock.patch did there.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { securityEvents, users, type User } from '../../src/db/schema.js';
import * as security from '../../src/core/security.js';
import { PasswordHasher } from '../../src/core/password-hasher.js';
import { ActionTokenRepository } from '../../src/repositories/action-token.js';
import { SessionRepository } from '../../src/repositories/session.js';
import { LastSuperuserError, normalizeEmail, UserRepository } from '../../src/repositories/user.js';
import { createTestDatabase } from '../helpers/database.js';
import { randomEmail } from '../helpers/users.js';

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

describe('normalizeEmail', () => {
  it('trims and lower-cases the domain only, after the last @', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM \n')).toBe('Jane.Doe@example.com');
    expect(normalizeEmail('"A@B"@Example.Org')).toBe('"A@B"@example.org');
    expect(normalizeEmail(' NOAT ')).toBe('NOAT');
    expect(normalizeEmail('@Example.COM')).toBe('@example.com');
  });
});

describe('UserRepository account changes', () => {
  const CLIENT = { ip: '203.0.113.1', user_agent: 'Probe/1.0' };
  const LIFETIMES = { refreshTtlSeconds: 3600, maxAgeSeconds: 86_400 };
  const hasher = new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  let repo: UserRepository;
  let logins: SessionRepository;
  let links: ActionTokenRepository;
  beforeAll(() => {
    mockedHash.mockRestore();
    mockedVerify.mockRestore();
    repo = new UserRepository(database.db, hasher);
    logins = new SessionRepository(database.db);
    links = new ActionTokenRepository(database.db);
  });

  /** A user with two logins and both kinds of link pending. */
  async function withLoginsAndLinks(values: { is_superuser?: boolean } = {}) {
    const user = await repo.create({ email: randomEmail(), password: 'first-password', ...values });
    const [a, b] = [(await logins.start(user, LIFETIMES, CLIENT))!, (await logins.start(user, LIFETIMES, CLIENT))!];
    const reset = await links.issue(user, 'password_reset', 900);
    const verify = await links.issue(user, 'verify_email', 900);
    return { user, sessions: [a.sessionId, b.sessionId] as const, reset, verify };
  }
  const liveIds = async (userId: number) => (await logins.listLive(userId, LIFETIMES)).map((session) => session.id).sort();
  const eventsOf = async (userId: number) =>
    (await database.db.select().from(securityEvents).where(eq(securityEvents.user_id, userId)).orderBy(securityEvents.id))
      .filter((row) => row.type !== 'login')
      .map(({ type, ip, user_agent }) => ({ type, ip, user_agent }));
  const pending = async (reset: string, verify: string) => [
    (await links.peek(reset, 'password_reset')) !== undefined,
    (await links.peek(verify, 'verify_email')) !== undefined,
  ];

  it('a change of name only writes the name: logins, links and version stay', async () => {
    const { user, sessions: ids, reset, verify } = await withLoginsAndLinks();
    const row = await repo.update(user, { full_name: 'New Name' }, { client: CLIENT });
    expect(row).toEqual({ ...user, full_name: 'New Name' });
    expect(await liveIds(user.id)).toEqual([...ids].sort());
    expect(await pending(reset, verify)).toEqual([true, true]);
    expect(await eventsOf(user.id)).toEqual([]);
  });

  it('an empty patch writes nothing and gives the stored row', async () => {
    const { user } = await withLoginsAndLinks();
    await database.db.update(users).set({ full_name: 'Changed Elsewhere' }).where(eq(users.id, user.id));
    expect(await repo.update(user, {})).toEqual({ ...user, full_name: 'Changed Elsewhere' });
  });

  it('a new password bumps the version, ends every login, voids reset links and records the change', async () => {
    const { user, sessions: ids, reset, verify } = await withLoginsAndLinks();
    const row = await repo.update(user, { password: 'second-password' }, { client: CLIENT, keepSessionId: ids[0] });
    expect(row?.credential_version).toBe(user.credential_version + 1);
    expect(await liveIds(user.id)).toEqual([]);
    expect(await pending(reset, verify)).toEqual([false, true]);
    expect(await eventsOf(user.id)).toEqual([{ type: 'password_changed', ...CLIENT }]);
    expect(await repo.authenticate(user.email, 'second-password')).toMatchObject({ id: user.id });

    await repo.update(row!, { password: 'third-password' }, { passwordEvent: 'password_reset' });
    expect((await eventsOf(user.id)).at(-1)).toEqual({ type: 'password_reset', ip: null, user_agent: null });
  });

  it('a new address keeps the login that made the change, ends the others, voids both kinds of link', async () => {
    const { user, sessions: ids, reset, verify } = await withLoginsAndLinks();
    const address = randomEmail();
    const row = await repo.update(user, { email: address.toUpperCase() }, { keepSessionId: ids[1] });
    expect(row).toMatchObject({ email: normalizeEmail(address.toUpperCase()), credential_version: user.credential_version + 1 });
    expect(await liveIds(user.id)).toEqual([ids[1]]);
    expect(await pending(reset, verify)).toEqual([false, false]);
    expect(await eventsOf(user.id)).toEqual([{ type: 'email_changed', ip: null, user_agent: null }]);
  });

  it('the same address in another spelling is no new address', async () => {
    const { user, sessions: ids, reset, verify } = await withLoginsAndLinks();
    const row = await repo.update(user, { email: user.email.toUpperCase() });
    expect(row?.credential_version).toBe(user.credential_version);
    expect(await liveIds(user.id)).toEqual([...ids].sort());
    expect(await pending(reset, verify)).toEqual([true, true]);
  });

  it('deactivation ends every login (even one asked to be kept) and voids reset links, recording nothing', async () => {
    const { user, sessions: ids, reset, verify } = await withLoginsAndLinks();
    const row = await repo.update(user, { is_active: false }, { keepSessionId: ids[0] });
    expect(row?.credential_version).toBe(user.credential_version + 1);
    expect(await liveIds(user.id)).toEqual([]);
    expect(await pending(reset, verify)).toEqual([false, true]);
    expect(await eventsOf(user.id)).toEqual([]);
    // Already inactive: nothing more to end.
    expect((await repo.update(row!, { is_active: false }))?.credential_version).toBe(row!.credential_version);
  });

  it('demotion ends the logins; a user who is no superuser is not demoted by is_superuser: false', async () => {
    const admin = await withLoginsAndLinks({ is_superuser: true });
    await repo.create({ email: randomEmail(), password: 'x-password', is_superuser: true });
    const demoted = await repo.update(admin.user, { is_superuser: false });
    expect(demoted).toMatchObject({ is_superuser: false, credential_version: admin.user.credential_version + 1 });
    expect(await liveIds(admin.user.id)).toEqual([]);

    const plain = await withLoginsAndLinks();
    expect((await repo.update(plain.user, { is_superuser: false }))?.credential_version).toBe(plain.user.credential_version);
    expect(await liveIds(plain.user.id)).toHaveLength(2);
  });

  it('the last active superuser can be neither demoted, deactivated nor removed', async () => {
    // Make every existing superuser a plain user, then leave one active one and one inactive one.
    await database.db.update(users).set({ is_superuser: false });
    const last = (await withLoginsAndLinks({ is_superuser: true })).user;
    const inactive = await repo.create({ email: randomEmail(), password: 'x-password', is_superuser: true, is_active: false });
    const plain = await repo.create({ email: randomEmail(), password: 'x-password' });
    await expect(repo.update(last, { is_superuser: false })).rejects.toThrow(LastSuperuserError);
    await expect(repo.update(last, { is_active: false })).rejects.toThrow('The last active superuser cannot be demoted or deactivated');
    await expect(repo.remove(last.id)).rejects.toBeInstanceOf(LastSuperuserError);
    expect(await repo.get(last.id)).toMatchObject({ is_superuser: true, is_active: true, credential_version: last.credential_version });
    expect(await liveIds(last.id)).toHaveLength(2);
    // Changes that take no rights away are no demotion: a new password, a new name.
    const renamed = await repo.update(last, { full_name: 'Still Admin' });
    expect(renamed?.credential_version).toBe(last.credential_version);
    expect(await liveIds(last.id)).toHaveLength(2);
    expect((await repo.update(renamed!, { password: 'second-password' }))?.is_superuser).toBe(true);
    // Others go as usual.
    expect((await repo.update(inactive, { is_superuser: false }))?.is_superuser).toBe(false);
    expect((await repo.update(plain, { is_active: false }))?.is_active).toBe(false);
    expect((await repo.remove(plain.id))?.id).toBe(plain.id);
    expect(new LastSuperuserError().name).toBe('LastSuperuserError');
  });

  it('a credential change of a user deleted meanwhile writes nothing and gives undefined', async () => {
    const { user } = await withLoginsAndLinks();
    await database.db.delete(users).where(eq(users.id, user.id));
    expect(await repo.update(user, { password: 'second-password' }, { client: CLIENT })).toBeUndefined();
    expect(await repo.update(user, { full_name: 'Nobody' })).toBeUndefined();
  });

  it('markVerified sets the flag and records it', async () => {
    const { user } = await withLoginsAndLinks();
    expect(await repo.markVerified(user, CLIENT)).toEqual({ ...user, is_verified: true });
    expect(await eventsOf(user.id)).toEqual([{ type: 'email_verified', ...CLIENT }]);
    expect(await repo.markVerified({ ...user, id: 987_654 } as User, CLIENT)).toBeUndefined();
  });

  it('an unknown address costs one Argon2 check against a dummy hash made once', async () => {
    const own = new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const hash = vi.spyOn(own, 'hash');
    const verify = vi.spyOn(own, 'verify');
    const accounts = new UserRepository(database.db, own);
    expect(await accounts.authenticate(randomEmail(), 'whatever')).toBeUndefined();
    expect(await accounts.authenticate(randomEmail(), 'whatever')).toBeUndefined();
    expect(hash).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify).toHaveBeenLastCalledWith('whatever', await hash.mock.results[0]!.value);
  });

  it('a correct password with a current hash is not rehashed', async () => {
    const own = new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const accounts = new UserRepository(database.db, own);
    const user = await accounts.create({ email: randomEmail(), password: 'right-password' });
    const hash = vi.spyOn(own, 'hash');
    expect(await accounts.authenticate(user.email, 'right-password')).toEqual(user);
    expect(hash).not.toHaveBeenCalled();
  });
});
