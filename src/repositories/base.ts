// Repository<Table, Create, Update>: the generic CRUD of the original CRUDBase, over any Drizzle table with an
// integer `id`. It takes a Db, which may be a transaction, so callers choose the unit of work.
import { asc, eq, sql, type InferInsertModel, type InferSelectModel } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { getTableName } from 'drizzle-orm';
import type { Db } from '../db/client.js';

export type IdTable = PgTable & { id: AnyPgColumn<{ data: number }> };

export interface Page {
  skip?: number;
  limit?: number;
}

/** Prepared statements belong to the Db (or transaction) that prepared them: one cache per Db. */
const preparedCache = new WeakMap<Db, Map<string, unknown>>();

/** The keys of `patch` whose value is not undefined, in a new object: "exclude unset", never mutating the caller's. */
export function presentKeys<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export class Repository<
  T extends IdTable,
  Create extends object = InferInsertModel<T>,
  Update extends object = Partial<InferInsertModel<T>>,
> {
  constructor(
    protected readonly db: Db,
    protected readonly table: T,
  ) {}

  /** Returns the statement `build()` makes, prepared once per Db under `name`. */
  protected prepared<Q>(name: string, build: () => Q): Q {
    let statements = preparedCache.get(this.db);
    if (!statements) preparedCache.set(this.db, (statements = new Map()));
    const key = `${getTableName(this.table)}_${name}`;
    let statement = statements.get(key) as Q | undefined;
    if (!statement) statements.set(key, (statement = build()));
    return statement;
  }

  /** Turns a Create value into the row to insert (subclasses hash passwords here). */
  protected async toInsertValues(input: Create): Promise<InferInsertModel<T>> {
    return { ...input } as unknown as InferInsertModel<T>;
  }

  /** Turns the present keys of an Update value into the columns to write. */
  protected async toUpdateValues(patch: Partial<Update>): Promise<Partial<InferInsertModel<T>>> {
    return patch as Partial<InferInsertModel<T>>;
  }

  async get(id: number): Promise<InferSelectModel<T> | undefined> {
    const statement = this.prepared('get', () =>
      this.db
        .select()
        .from(this.table as PgTable)
        .where(eq(this.table.id, sql.placeholder('id')))
        .limit(1)
        .prepare(`${getTableName(this.table)}_get`),
    );
    const [row] = await statement.execute({ id });
    return row as InferSelectModel<T> | undefined;
  }

  async getMulti({ skip = 0, limit = 100 }: Page = {}): Promise<InferSelectModel<T>[]> {
    const rows = await this.db
      .select()
      .from(this.table as PgTable)
      .orderBy(asc(this.table.id))
      .offset(skip)
      .limit(limit);
    return rows as InferSelectModel<T>[];
  }

  async count(): Promise<number> {
    return this.db.$count(this.table);
  }

  async create(input: Create): Promise<InferSelectModel<T>> {
    const values = await this.toInsertValues(input);
    const [row] = await this.db.insert(this.table).values(values).returning();
    return row as InferSelectModel<T>;
  }

  /** Writes only the keys present in `patch`; returns the stored row, or undefined if it no longer exists. */
  async update(current: InferSelectModel<T>, patch: Update): Promise<InferSelectModel<T> | undefined> {
    const values = await this.toUpdateValues(presentKeys(patch));
    if (Object.keys(values).length === 0) return this.get(current.id as number);
    return this.writeUpdate(this.db, current, values);
  }

  /** The UPDATE itself, on `db` (the repository's, or a transaction a subclass opened around it). */
  protected async writeUpdate(
    db: Db,
    current: InferSelectModel<T>,
    values: Partial<InferInsertModel<T>>,
  ): Promise<InferSelectModel<T> | undefined> {
    const rows = (await db
      .update(this.table)
      .set(values)
      .where(eq(this.table.id, current.id as number))
      .returning()) as InferSelectModel<T>[];
    return rows[0];
  }

  /** Deletes the row and returns it, or undefined when there was none. */
  async remove(id: number): Promise<InferSelectModel<T> | undefined> {
    const rows = (await this.db.delete(this.table).where(eq(this.table.id, id)).returning()) as InferSelectModel<T>[];
    return rows[0];
  }
}
