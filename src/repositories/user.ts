// UserRepository: the generic repository plus what users need: case-insensitive e-mail lookup, password hashing
// on create/update, authentication (with a rehash of legacy or weak hashes on success), and the side effects of
// account changes (ended logins, voided links, the security history), written in the transaction of the change.
import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users, type User } from '../db/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import { NO_CLIENT, type ClientInfo } from '../core/client-info.js';
import { canonicalEmail, sameEmail } from '../core/email.js';
import { PasswordHasher } from '../core/password-hasher.js';
import type { UserCreate, UserUpdate } from '../schemas/user.js';
import { ActionTokenRepository } from './action-token.js';
import { presentKeys, Repository, type Page } from './base.js';
import { SecurityEventRepository } from './security-event.js';
import { SessionRepository } from './session.js';

/** Lower-cases the domain (case-insensitive by RFC 5321) and trims; the local part keeps its spelling. */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : trimmed.slice(0, at) + trimmed.slice(at).toLowerCase();
}

/**
 * A LIKE pattern matching `text` literally anywhere: its %, _ and \ (the escape character) are escaped, so a search
 * for `a_b` does not also find `axb`.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * Users whose address contains `q`, whatever its letter case; undefined (no filter) for an empty `q`. Compared with
 * lower(email), as getByEmail does: stored addresses are ASCII, and the typed text is folded here (core/email.ts).
 */
function emailContains(q: string | undefined): SQL | undefined {
  const folded = q === undefined ? '' : canonicalEmail(q);
  return folded ? sql`lower(${users.email}) like ${containsPattern(folded)} escape '\\'` : undefined;
}

/** Refused: the change would leave no active superuser to administer the service. */
export class LastSuperuserError extends Error {
  override name = 'LastSuperuserError';
  constructor() {
    super('The last active superuser cannot be demoted or deactivated');
  }
}

/** One throwaway hash per parameter set, made on first use. */
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();

/** What the API accepts, plus what only the service itself sets. */
type Create = UserCreate & { is_verified?: boolean };
type Update = UserUpdate & { is_verified?: boolean };

/** Who made an account change, and how it is recorded. */
export interface AccountChange {
  client?: ClientInfo;
  /** The event a new password records: `password_reset` through a recovery link, else `password_changed`. */
  passwordEvent?: 'password_changed' | 'password_reset';
  /** This login survives a new e-mail address (its owner just proved the password); every other one ends. */
  keepSessionId?: string;
}

export class UserRepository extends Repository<typeof users, Create, Update> {
  constructor(
    db: Db,
    private readonly hasher: PasswordHasher = new PasswordHasher(),
    private readonly clock: Clock = systemClock,
  ) {
    super(db, users);
  }

  /**
   * Writes the present keys of `patch`. A new password, a new e-mail address, deactivation or demotion bumps the
   * credential version and, in the same transaction (any hash was computed before it: no connection is held while
   * hashing), ends the user's logins (all of them, or all but `change.keepSessionId` for an e-mail change), voids
   * pending password-reset links (and verification links, for a new address) and records the security event.
   * Demoting or deactivating the last active superuser throws LastSuperuserError.
   */
  override async update(current: User, patch: Update, change: AccountChange = {}): Promise<User | undefined> {
    const values = await this.toUpdateValues(presentKeys(patch));
    if (Object.keys(values).length === 0) return this.get(current.id);
    const newPassword = values.hashed_password !== undefined;
    const newAddress = values.email !== undefined && !sameEmail(values.email, current.email);
    const losesRights = (values.is_active === false && current.is_active) || (values.is_superuser === false && current.is_superuser);
    if (!newPassword && !newAddress && !losesRights) return this.writeUpdate(this.db, current, values);
    return this.db.transaction(async (tx) => {
      if (losesRights && current.is_superuser) await this.assertNotLastSuperuser(tx, current.id);
      // Incremented in SQL, not from `current`: two concurrent changes must give two versions.
      const bump = { credential_version: sql`${users.credential_version} + 1` as unknown as number };
      const row = await this.writeUpdate(tx, current, { ...values, ...bump });
      if (!row) return row;
      const keep = newPassword || losesRights ? undefined : change.keepSessionId;
      await new SessionRepository(tx, this.clock).revokeAllForUser(row.id, keep);
      await new ActionTokenRepository(tx, this.clock).removeForUser(row.id, newAddress ? ['password_reset', 'verify_email'] : ['password_reset']);
      const events = new SecurityEventRepository(tx, this.clock);
      const client = change.client ?? NO_CLIENT;
      if (newPassword) await events.record(row.id, change.passwordEvent ?? 'password_changed', client);
      if (newAddress) await events.record(row.id, 'email_changed', client);
      return row;
    });
  }

  /** A page of users in id order; `q` keeps those whose e-mail address contains it, ignoring letter case. */
  override async getMulti({ skip = 0, limit = 100, q }: Page & { q?: string } = {}): Promise<User[]> {
    return this.db.select().from(users).where(emailContains(q)).orderBy(asc(users.id)).offset(skip).limit(limit);
  }

  /** All users, or with `q` those getMulti({ q }) pages through. */
  override async count(q?: string): Promise<number> {
    return this.db.$count(users, emailContains(q));
  }

  /** Deletes the user; the last active superuser is refused (LastSuperuserError). */
  override async remove(id: number): Promise<User | undefined> {
    return this.db.transaction(async (tx) => {
      await this.assertNotLastSuperuser(tx, id);
      const [row] = await tx.delete(users).where(eq(users.id, id)).returning();
      return row;
    });
  }

  /**
   * Locks the active superusers' rows, so that concurrent demotions (each of the other) are serialised, and throws
   * when `userId` is the only one of them.
   */
  private async assertNotLastSuperuser(tx: Db, userId: number): Promise<void> {
    const admins = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.is_superuser, true), eq(users.is_active, true)))
      .orderBy(users.id)
      .for('update');
    if (admins.length === 1 && admins[0]!.id === userId) throw new LastSuperuserError();
  }

  /** Marks the address verified and records it, in one transaction. */
  async markVerified(user: User, client: ClientInfo): Promise<User | undefined> {
    return this.db.transaction(async (tx) => {
      const row = await this.writeUpdate(tx, user, { is_verified: true });
      if (row) await new SecurityEventRepository(tx, this.clock).record(row.id, 'email_verified', client);
      return row;
    });
  }

  protected override async toInsertValues({ password, email, ...rest }: Create): Promise<typeof users.$inferInsert> {
    return { ...rest, email: normalizeEmail(email), hashed_password: await this.hasher.hash(password) };
  }

  protected override async toUpdateValues({ password, email, ...rest }: Partial<Update>) {
    return {
      ...rest,
      ...(email !== undefined && { email: normalizeEmail(email) }),
      ...(password !== undefined && { hashed_password: await this.hasher.hash(password) }),
    };
  }

  /**
   * Case-insensitive: `lower(email) = canonicalEmail(input)`, served by the unique index on lower(email). The input
   * is folded here, never by SQL (see core/email.ts).
   */
  async getByEmail(email: string): Promise<User | undefined> {
    const statement = this.prepared('by_email', () =>
      this.db
        .select()
        .from(users)
        .where(eq(sql`lower(${users.email})`, sql.placeholder('email')))
        .limit(1)
        .prepare('users_by_email'),
    );
    const [row] = await statement.execute({ email: canonicalEmail(email) });
    return row;
  }

  /** The user whose password this is, or undefined. */
  async authenticate(email: string, password: string): Promise<User | undefined> {
    return this.checkPassword(await this.getByEmail(email), password);
  }

  /**
   * `user` if `password` is theirs, else undefined; with no user, the same Argon2 work is done anyway. A legacy or
   * weaker hash is replaced after a successful check.
   */
  async checkPassword(user: User | undefined, password: string): Promise<User | undefined> {
    if (!user) {
      // The same Argon2 work as for a known address, so the answer's timing does not tell which addresses exist.
      await this.hasher.verify(password, await this.dummyHash());
      return undefined;
    }
    const { valid, needsRehash } = await this.hasher.verify(password, user.hashed_password);
    if (!valid) return undefined;
    if (!needsRehash) return user;
    // The same password, stored better: not a credential change, so no login is revoked (base writeUpdate).
    const hashed_password = await this.hasher.hash(password);
    return (await super.writeUpdate(this.db, user, { hashed_password })) ?? user;
  }

  private dummyHash(): Promise<string> {
    let hash = dummyHashes.get(this.hasher);
    if (!hash) dummyHashes.set(this.hasher, (hash = this.hasher.hash(randomBytes(16).toString('hex'))));
    return hash;
  }

  isActive(user: User): boolean {
    return user.is_active;
  }

  isSuperuser(user: User): boolean {
    return user.is_superuser;
  }
}
