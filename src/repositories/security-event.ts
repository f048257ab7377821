// An account's security history: logins, failures, password and e-mail changes, ended logins. Events are written on
// the Db of the change they record (pass the transaction), so a change and its record land or vanish together.
import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { securityEvents, type SecurityEventType } from '../db/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { ClientInfo } from '../core/client-info.js';

export type SecurityEvent = typeof securityEvents.$inferSelect;

/** Failed log-ins get a row each up to this many per hour; beyond, the newest row counts them. */
export const FAILURES_PER_HOUR_CAP = 10;
const HOUR_MS = 3_600_000;
/** The first key of the advisory locks that serialise a user's failure counting (any fixed int4). */
const FAILURE_LOCK_SPACE = 0x5ec0e7;

export class SecurityEventRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  async record(userId: number, type: SecurityEventType, client: ClientInfo): Promise<void> {
    await this.db.insert(securityEvents).values({ user_id: userId, type, created_at: this.clock(), ...client });
  }

  /**
   * A failed log-in: a row of its own while the hour's cap allows, else one more on the newest failure row. A
   * per-user advisory lock makes concurrent failures count one after another, so the cap holds.
   */
  async recordFailure(userId: number, client: ClientInfo): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${FAILURE_LOCK_SPACE}::int4, ${userId}::int4)`);
      await new SecurityEventRepository(tx, this.clock).countFailure(userId, client);
    });
  }

  private async countFailure(userId: number, client: ClientInfo): Promise<void> {
    const now = this.clock();
    const recent = await this.db
      .select({ id: securityEvents.id })
      .from(securityEvents)
      .where(and(eq(securityEvents.user_id, userId), eq(securityEvents.type, 'login_failed'), gt(securityEvents.created_at, new Date(now.getTime() - HOUR_MS))))
      .orderBy(desc(securityEvents.id))
      .limit(FAILURES_PER_HOUR_CAP);
    if (recent.length < FAILURES_PER_HOUR_CAP) return this.record(userId, 'login_failed', client);
    await this.db
      .update(securityEvents)
      .set({ count: sql`${securityEvents.count} + 1` })
      .where(eq(securityEvents.id, recent[0]!.id));
  }

  /** Newest first; `before` pages on: the events older than that id. */
  async list(userId: number, { limit, before }: { limit: number; before?: number }): Promise<SecurityEvent[]> {
    return this.db
      .select()
      .from(securityEvents)
      .where(and(eq(securityEvents.user_id, userId), before === undefined ? undefined : lt(securityEvents.id, before)))
      .orderBy(desc(securityEvents.id))
      .limit(limit);
  }

  /** Deletes the events older than `days`; returns how many. */
  async prune(days: number): Promise<number> {
    const cutoff = new Date(this.clock().getTime() - days * 86_400_000);
    const rows = await this.db.delete(securityEvents).where(lt(securityEvents.created_at, cutoff)).returning({ id: securityEvents.id });
    return rows.length;
  }
}
