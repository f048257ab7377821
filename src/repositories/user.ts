// UserRepository: the generic repository plus what users need: case-insensitive e-mail lookup, password hashing
// on create/update, authentication (with a rehash of legacy or weak hashes on success).
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users, type User } from '../db/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import { PasswordHasher } from '../core/password-hasher.js';
import type { UserCreate, UserUpdate } from '../schemas/user.js';
import { ActionTokenRepository } from './action-token.js';
import { Repository } from './base.js';
import { SessionRepository } from './session.js';

/** Lower-cases the domain (case-insensitive by RFC 5321) and trims; the local part keeps its spelling. */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : trimmed.slice(0, at) + trimmed.slice(at).toLowerCase();
}

/** One throwaway hash per parameter set, made on first use. */
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();

/** What the API accepts, plus what only the service itself sets. */
type Create = UserCreate & { is_verified?: boolean };
type Update = UserUpdate & { is_verified?: boolean };

export class UserRepository extends Repository<typeof users, Create, Update> {
  constructor(
    db: Db,
    private readonly hasher: PasswordHasher = new PasswordHasher(),
    private readonly clock: Clock = systemClock,
  ) {
    super(db, users);
  }

  /**
   * In the same transaction as the change (any hash was computed before it: no connection is held while hashing):
   * a new password, deactivation or demotion ends every login of the user and voids pending password resets; a new
   * e-mail address voids pending verification links, which were sent to the old one.
   */
  protected override async writeUpdate(db: Db, current: User, values: Partial<typeof users.$inferInsert>) {
    const revokes =
      values.hashed_password !== undefined ||
      (values.is_active === false && current.is_active) ||
      (values.is_superuser === false && current.is_superuser);
    const newAddress = values.email !== undefined && values.email.toLowerCase() !== current.email.toLowerCase();
    if (!revokes && !newAddress) return super.writeUpdate(db, current, values);
    return db.transaction(async (tx) => {
      const row = await super.writeUpdate(tx, current, values);
      const tokens = new ActionTokenRepository(tx, this.clock);
      if (row && revokes) {
        await new SessionRepository(tx, this.clock).revokeAllForUser(row.id);
        await tokens.removeForUser(row.id, 'password_reset');
      }
      if (row && newAddress) await tokens.removeForUser(row.id, 'verify_email');
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

  /** Case-insensitive; `lower(email) = lower($1)` is served by the unique index on lower(email). */
  async getByEmail(email: string): Promise<User | undefined> {
    const statement = this.prepared('by_email', () =>
      this.db
        .select()
        .from(users)
        .where(eq(sql`lower(${users.email})`, sql`lower(${sql.placeholder('email')})`))
        .limit(1)
        .prepare('users_by_email'),
    );
    const [row] = await statement.execute({ email: email.trim() });
    return row;
  }

  /** The user whose password this is, or undefined. A legacy or weaker hash is replaced after a successful check. */
  async authenticate(email: string, password: string): Promise<User | undefined> {
    const user = await this.getByEmail(email);
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
