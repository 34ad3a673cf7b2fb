import type Database from 'better-sqlite3';
import { insertOrNull } from '../../domain/errors';
import { newId } from '../../domain/ids';
import type * as T from '../../domain/types';
import { baseType, type CollectionSpec, type FieldDef, type FieldType } from '../schema';
import type { Collection, Draft, UpsertDraft, FieldsOptions, Filter, FindOptions, Patch, Sort } from '../store';
import { planUpsert } from '../upsert-plan';
import type { GroupCommit } from './group-commit';
import type { BulkFigures } from './sqlite-kept-figures';
import { translateSqliteError } from './translate-error';

type Row = Record<string, unknown>;
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const OPS: Record<string, string> = { ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** One table behind the Collection port; built from the shared CollectionSpec. */
/** rows per INSERT of a batch, and SQLite's bound on a statement's parameters */
const MANY_ROWS = 100;
const MAX_VARIABLES = 32_766;

export class SqliteCollection<E extends T.Entity> implements Collection<E> {
  private readonly types: Map<string, FieldType>;
  private readonly columns: string[];
  /** the columns a read must convert (dates, booleans, JSON): the others come back as stored */
  private readonly converted: [string, FieldType][];
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly reads = new Map<string, Database.Statement>();
  private insertStmt: Database.Statement | undefined;
  private insertManyStmt: Database.Statement | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly spec: CollectionSpec<E>,
    private readonly commit: GroupCommit,
    /** a batch of this many records or more is written through `bulk` (the kept figures refreshed set-wise) */
    private readonly bulk?: { from: number; write: BulkFigures },
  ) {
    this.types = new Map<string, FieldType>([
      ['id', 'string'],
      ['createdAt', 'date'],
      ['updatedAt', 'date'],
    ]);
    for (const [f, d] of Object.entries<FieldDef>(spec.fields)) this.types.set(f, baseType(d));
    this.columns = [...this.types.keys()];
    this.converted = [...this.types].filter(([, t]) => t === 'date' || t === 'bool' || t === 'json');
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private field(name: string): FieldType {
    const t = this.types.get(name);
    if (!t) throw new Error(`${this.spec.name}: unknown field "${name}"`);
    return t;
  }

  private encode(name: string, v: unknown): unknown {
    if (v === null || v === undefined) return null;
    switch (this.field(name)) {
      case 'date':
        return (v instanceof Date ? v : new Date(v as string)).toISOString();
      case 'bool':
        return v ? 1 : 0;
      case 'json':
        return JSON.stringify(v);
      default:
        return v;
    }
  }

  private decode(row: Row): E {
    // rows come from SELECT * (or some columns) of our own table: decode in place, only the columns that need it
    for (const [k, t] of this.converted) {
      const v = row[k];
      if (v === null || v === undefined) continue;
      if (t === 'date') row[k] = new Date(v as string);
      else if (t === 'bool') row[k] = v === 1;
      else if (t === 'json') row[k] = JSON.parse(v as string);
    }
    return row as E;
  }

  /**
   * The WHERE clause of a filter and its parameters, with the filter's shape: its fields and
   * operators without their values (what the clause's text depends on). With `text` false the
   * clause is not written, only the shape and parameters: a read whose shape was seen before
   * runs its cached statement.
   */
  private where(filter: Filter<E>, text = true): { sql: string; params: unknown[]; shape: string } {
    const parts: string[] = [];
    const params: unknown[] = [];
    let shape = '';
    const f0 = filter as Record<string, unknown>;
    for (const f in f0) {
      const cond = f0[f];
      if (cond === undefined) continue;
      const isOp = typeof cond === 'object' && cond !== null && !(cond instanceof Date);
      if (text && this.field(f) === 'json') throw new Error(`${this.spec.name}: json field "${f}" cannot be filtered`);
      if (!isOp) {
        if (cond === null) {
          shape += `${f}\u0001null\u0002`;
          if (text) parts.push(`${q(f)} IS NULL`);
        } else {
          shape += `${f}\u0001=\u0002`;
          params.push(this.encode(f, cond));
          if (text) parts.push(`${q(f)} = ?`);
        }
        continue;
      }
      shape += `${f}\u0001`;
      const ops = cond as Record<string, unknown>;
      for (const op in ops) {
        const v = ops[op];
        if (v === undefined) continue;
        if (op === 'in' || op === 'nin') {
          // json_each keeps one parameter however long the list (no SQLITE_MAX_VARIABLE_NUMBER limit)
          const list = (v as unknown[]).map((x) => this.encode(f, x));
          shape += `${op},`;
          if (text)
            parts.push(
              `${op === 'nin' ? `(${q(f)} IS NULL OR ` : '('}${q(f)} ${op === 'in' ? 'IN' : 'NOT IN'} (SELECT value FROM json_each(?)))`,
            );
          params.push(JSON.stringify(list));
        } else if (op === 'ne' && v === null) {
          shape += 'ne-null,';
          if (text) parts.push(`${q(f)} IS NOT NULL`);
        } else if (op === 'ne') {
          shape += 'ne,';
          if (text) parts.push(`(${q(f)} IS NULL OR ${q(f)} <> ?)`);
          params.push(this.encode(f, v));
        } else if (OPS[op]) {
          shape += `${op},`;
          if (text) parts.push(`${q(f)} ${OPS[op]} ?`);
          params.push(this.encode(f, v));
        } else {
          throw new Error(`${this.spec.name}: unknown operator "${op}"`);
        }
      }
      shape += '\u0002';
    }
    return { sql: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', params, shape };
  }

  /**
   * A read statement by its kind and the shape of its filter, sort and page: prepared once,
   * and found again without writing its SQL (a landlord's message makes a dozen reads).
   */
  private read(kind: string, filter: Filter<E>, build: (where: string) => string): { stmt: Database.Statement; params: unknown[] } {
    this.commit.reading();
    const w = this.where(filter, false);
    const key = `${kind}\u0003${w.shape}`;
    let stmt = this.reads.get(key);
    if (!stmt) {
      stmt = this.db.prepare(build(this.where(filter).sql));
      this.reads.set(key, stmt);
    }
    return { stmt, params: w.params };
  }

  private static sortKey(sort: Sort<unknown> | undefined): string {
    let k = '';
    for (const f in sort) k += `${f}${(sort as Record<string, number>)[f] === -1 ? '-' : '+'},`;
    return k;
  }

  private orderBy(sort?: Sort<E>): string {
    const entries = Object.entries(sort ?? {}) as [string, 1 | -1][];
    for (const [f] of entries) this.field(f);
    const terms = entries.map(([f, d]) => `${q(f)} ${d === -1 ? 'DESC' : 'ASC'}`);
    // the id tie-breaker runs the way the first key does, so one index (…, key, id) serves both directions
    // (none is needed after a unique key such as a hazard's number)
    const unique = entries.length === 1 && (this.spec.unique ?? []).some((k) => k.length === 1 && k[0] === entries[0]![0]);
    if (!unique && !entries.some(([f]) => f === 'id')) terms.push(`"id" ${entries[0]?.[1] === -1 ? 'DESC' : 'ASC'}`);
    return ` ORDER BY ${terms.join(', ')}`;
  }

  private guard<R>(fn: () => R): R {
    try {
      return fn();
    } catch (e) {
      throw translateSqliteError(e, this.spec.name);
    }
  }

  private insertSync(draft: Draft<E>, now: Date): E {
    const rec = { ...draft, id: draft.id ?? newId(now.getTime()), createdAt: draft.createdAt ?? now, updatedAt: now } as Row;
    // one statement over every column (a field left out is NULL), prepared once per collection
    this.insertStmt ??= this.db.prepare(
      `INSERT INTO ${q(this.spec.name)} (${this.columns.map(q).join(', ')}) VALUES (${this.columns.map(() => '?').join(', ')})`,
    );
    this.insertStmt.run(...this.columns.map((c) => this.encode(c, rec[c])));
    for (const c of this.columns) if (rec[c] === undefined) rec[c] = null;
    return rec as unknown as E;
  }

  /**
   * A batch inserted many records to a statement: with triggers on a table each statement opens
   * a statement journal (a temp file), 20–40 µs; per row that was 4x a plain insert's cost.
   */
  private insertManySync(drafts: readonly Draft<E>[], now: Date): number {
    const per = Math.max(1, Math.min(MANY_ROWS, Math.floor(MAX_VARIABLES / this.columns.length)));
    let i = 0;
    if (drafts.length >= per) {
      const row = `(${this.columns.map(() => '?').join(', ')})`;
      this.insertManyStmt ??= this.db.prepare(
        `INSERT INTO ${q(this.spec.name)} (${this.columns.map(q).join(', ')}) VALUES ${Array.from({ length: per }, () => row).join(', ')}`,
      );
      const values: unknown[] = [];
      for (; i + per <= drafts.length; i += per) {
        values.length = 0;
        for (const d of drafts.slice(i, i + per)) {
          const rec = { ...d, id: d.id ?? newId(now.getTime()), createdAt: d.createdAt ?? now, updatedAt: now } as Row;
          for (const c of this.columns) values.push(this.encode(c, rec[c]));
        }
        this.insertManyStmt.run(...values);
      }
    }
    for (; i < drafts.length; i += 1) this.insertSync(drafts[i]!, now);
    return drafts.length;
  }

  private updateSync(filter: Filter<E>, patch: Patch<E>, now: Date): number {
    const sets = Object.entries(patch as Row).filter(([k, v]) => v !== undefined && k !== 'id' && k !== 'createdAt' && k !== 'updatedAt');
    const w = this.where(filter);
    const sql = `UPDATE ${q(this.spec.name)} SET ${[...sets.map(([k]) => `${q(k)} = ?`), '"updatedAt" = ?'].join(', ')}${w.sql}`;
    return this.stmt(sql).run(...sets.map(([k, v]) => this.encode(k, v)), now.toISOString(), ...w.params).changes;
  }

  /** Every write goes through the group commit: it settles once it is on disk. */
  private write<R>(fn: () => R): Promise<R> {
    return this.commit.write(() => this.guard(fn));
  }

  async insert(draft: Draft<E>): Promise<E> {
    return this.write(() => this.insertSync(draft, new Date()));
  }

  insertIfAbsent(draft: Draft<E>): Promise<E | null> {
    return insertOrNull(() => this.insert(draft));
  }

  async insertMany(drafts: readonly Draft<E>[]): Promise<number> {
    const now = new Date();
    // one record needs no savepoint: a single statement is atomic already
    if (drafts.length === 1)
      return this.write(() => {
        this.insertSync(drafts[0]!, now);
        return 1;
      });
    const bulk = this.bulk;
    if (bulk && drafts.length >= bulk.from)
      return this.write(() =>
        bulk.write((touch) => {
          for (const d of drafts) {
            const r = d as { groupId?: string; houseId?: string };
            if (r.groupId) touch.group(r.groupId);
            if (r.houseId) touch.house(r.houseId);
          }
          return this.insertManySync(drafts, now);
        }),
      );
    return this.write(() => this.db.transaction(() => this.insertManySync(drafts, now))());
  }

  private getSync(id: T.Id): E | null {
    this.commit.reading();
    const row = this.stmt(`SELECT * FROM ${q(this.spec.name)} WHERE "id" = ?`).get(id) as Row | undefined;
    return row ? this.decode(row) : null;
  }

  async get(id: T.Id): Promise<E | null> {
    return this.getSync(id);
  }

  async findOne(filter: Filter<E>, sort?: Sort<E>): Promise<E | null> {
    const r = this.read(
      `one ${SqliteCollection.sortKey(sort)}`,
      filter,
      (where) => `SELECT * FROM ${q(this.spec.name)}${where}${this.orderBy(sort)} LIMIT 1`,
    );
    const row = r.stmt.get(...r.params) as Row | undefined;
    return row ? this.decode(row) : null;
  }

  find<K extends keyof E & string>(filter: Filter<E>, options: FieldsOptions<E, K>): Promise<Pick<E, K | 'id'>[]>;
  find(filter: Filter<E>, options?: FindOptions<E>): Promise<E[]>;
  async find(filter: Filter<E>, options: FindOptions<E> & { fields?: readonly (keyof E & string)[] } = {}): Promise<E[]> {
    const page = this.page(options);
    const fields = options.fields;
    const r = this.read(`find ${SqliteCollection.sortKey(options.sort)} ${page.sql} ${fields?.join(',') ?? '*'}`, filter, (where) => {
      const columns = fields
        ? [...new Set(['id', ...fields])]
            .map((f) => {
              this.field(f);
              return q(f);
            })
            .join(', ')
        : '*';
      return `SELECT ${columns} FROM ${q(this.spec.name)}${where}${this.orderBy(options.sort)}${page.sql}`;
    });
    return (r.stmt.all(...r.params, ...page.params) as Row[]).map((row) => this.decode(row));
  }

  /**
   * LIMIT and OFFSET only when asked for: a LIMIT makes SQLite sort through its top-N
   * sorter, which costs more than a plain sort of a few rows (a landlord's houses, a group's ten).
   */
  private page(options: FindOptions<E>): { sql: string; params: number[] } {
    if (options.limit === undefined && options.offset === undefined) return { sql: '', params: [] };
    if (options.offset === undefined) return { sql: ' LIMIT ?', params: [options.limit!] };
    return { sql: ' LIMIT ? OFFSET ?', params: [options.limit ?? -1, options.offset] };
  }

  /** SQLite's plan for the query `find` (or `count`) would run: what the EXPLAIN test reads (issue 11). */
  explain(filter: Filter<E>, options: FindOptions<E> & { count?: boolean } = {}): string[] {
    const w = this.where(filter);
    const page = this.page(options);
    const sql = options.count
      ? `SELECT COUNT(*) AS n FROM ${q(this.spec.name)}${w.sql}`
      : `SELECT * FROM ${q(this.spec.name)}${w.sql}${this.orderBy(options.sort)}${page.sql}`;
    const params = options.count ? w.params : [...w.params, ...page.params];
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  }

  async count(filter: Filter<E>): Promise<number> {
    const r = this.read('count', filter, (where) => `SELECT COUNT(*) AS n FROM ${q(this.spec.name)}${where}`);
    return (r.stmt.get(...r.params) as { n: number }).n;
  }

  async distinct<K extends keyof E & string>(field: K, filter: Filter<E>): Promise<E[K][]> {
    this.field(field);
    const r = this.read(`distinct ${field}`, filter, (where) => `SELECT DISTINCT ${q(field)} AS v FROM ${q(this.spec.name)}${where}`);
    const rows = r.stmt.all(...r.params) as { v: unknown }[];
    return rows.map((r) => (this.decode({ [field]: r.v }) as Row)[field] as E[K]);
  }

  async update(id: T.Id, patch: Patch<E>): Promise<E | null> {
    return this.write(() => (this.updateSync({ id } as Filter<E>, patch, new Date()) ? this.getSync(id) : null));
  }

  async updateWhere(filter: Filter<E>, patch: Patch<E>): Promise<number> {
    return this.write(() => this.updateSync(filter, patch, new Date()));
  }

  async delete(id: T.Id): Promise<boolean> {
    return this.write(() => this.stmt(`DELETE FROM ${q(this.spec.name)} WHERE "id" = ?`).run(id).changes > 0);
  }

  async deleteWhere(filter: Filter<E>): Promise<number> {
    const w = this.where(filter);
    return this.write(() => this.stmt(`DELETE FROM ${q(this.spec.name)}${w.sql}`).run(...w.params).changes);
  }

  async upsertMany(
    drafts: readonly UpsertDraft<E>[],
    key: readonly (keyof E & string)[],
  ): Promise<{ id: T.Id; outcome: 'created' | 'updated' | 'unchanged' }[]> {
    const now = new Date();
    const lookup = this.stmt(`SELECT * FROM ${q(this.spec.name)} WHERE ${key.map((k) => `${q(k)} = ?`).join(' AND ')}`);
    return this.write(() =>
      this.db.transaction(() => {
        const existing: E[] = [];
        for (const d of drafts) {
          const row = lookup.get(...key.map((k) => this.encode(k, (d as Row)[k]))) as Row | undefined;
          if (row) existing.push(this.decode(row));
        }
        const steps = planUpsert(existing, drafts, key, () => newId(now.getTime()));
        return steps.map((s) => {
          if (s.outcome === 'created') return { id: this.insertSync(s.draft, now).id, outcome: s.outcome };
          if (s.outcome === 'updated') this.updateSync({ id: s.id } as Filter<E>, s.patch as Patch<E>, now);
          return { id: s.id, outcome: s.outcome };
        });
      })(),
    );
  }
}
