import type Database from 'better-sqlite3';
import { newId } from '../../domain/ids';
import type * as T from '../../domain/types';
import { baseType, type CollectionSpec, type FieldType } from '../schema';
import type { Collection, Draft, UpsertDraft, FieldOp, Filter, FindOptions, Patch, Sort } from '../store';
import { planUpsert } from '../upsert-plan';
import type { GroupCommit } from './group-commit';
import { translateSqliteError } from './translate-error';

type Row = Record<string, unknown>;
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const OPS: Record<string, string> = { ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** One table behind the Collection port; built from the shared CollectionSpec. */
export class SqliteCollection<E extends T.Entity> implements Collection<E> {
  private readonly types: Map<string, FieldType>;
  private readonly columns: string[];
  private readonly stmts = new Map<string, Database.Statement>();
  private insertStmt: Database.Statement | undefined;

  constructor(private readonly db: Database.Database, private readonly spec: CollectionSpec<E>, private readonly commit: GroupCommit) {
    this.types = new Map<string, FieldType>([['id', 'string'], ['createdAt', 'date'], ['updatedAt', 'date']]);
    for (const [f, d] of Object.entries(spec.fields) as [string, string][]) this.types.set(f, baseType(d as never));
    this.columns = [...this.types.keys()];
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) { s = this.db.prepare(sql); this.stmts.set(sql, s); }
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
      case 'date': return (v instanceof Date ? v : new Date(v as string)).toISOString();
      case 'bool': return v ? 1 : 0;
      case 'json': return JSON.stringify(v);
      default: return v;
    }
  }

  private decode(row: Row): E {
    // rows come from SELECT * on our own table: decode in place, only the columns that need it
    for (const k in row) {
      const v = row[k];
      if (v === null) continue;
      const t = this.types.get(k);
      if (t === 'date') row[k] = new Date(v as string);
      else if (t === 'bool') row[k] = v === 1;
      else if (t === 'json') row[k] = JSON.parse(v as string);
    }
    return row as E;
  }

  private where(filter: Filter<E>): { sql: string; params: unknown[] } {
    const parts: string[] = [];
    const params: unknown[] = [];
    for (const [f, cond] of Object.entries(filter as Record<string, unknown>)) {
      if (cond === undefined) continue;
      if (this.field(f) === 'json') throw new Error(`${this.spec.name}: json field "${f}" cannot be filtered`);
      const isOp = typeof cond === 'object' && cond !== null && !(cond instanceof Date);
      if (!isOp) {
        if (cond === null) parts.push(`${q(f)} IS NULL`);
        else { parts.push(`${q(f)} = ?`); params.push(this.encode(f, cond)); }
        continue;
      }
      for (const [op, v] of Object.entries(cond as FieldOp<unknown>)) {
        if (v === undefined) continue;
        if (op === 'in' || op === 'nin') {
          // json_each keeps one parameter however long the list (no SQLITE_MAX_VARIABLE_NUMBER limit)
          const list = (v as unknown[]).map((x) => this.encode(f, x));
          parts.push(`${op === 'nin' ? `(${q(f)} IS NULL OR ` : '('}${q(f)} ${op === 'in' ? 'IN' : 'NOT IN'} (SELECT value FROM json_each(?)))`);
          params.push(JSON.stringify(list));
        } else if (op === 'ne' && v === null) {
          parts.push(`${q(f)} IS NOT NULL`);
        } else if (op === 'ne') {
          parts.push(`(${q(f)} IS NULL OR ${q(f)} <> ?)`);
          params.push(this.encode(f, v));
        } else if (OPS[op]) {
          parts.push(`${q(f)} ${OPS[op]} ?`);
          params.push(this.encode(f, v));
        } else {
          throw new Error(`${this.spec.name}: unknown operator "${op}"`);
        }
      }
    }
    return { sql: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', params };
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
    try { return fn(); } catch (e) { throw translateSqliteError(e, this.spec.name); }
  }

  private insertSync(draft: Draft<E>, now: Date): E {
    const rec = { ...draft, id: draft.id ?? newId(now.getTime()), createdAt: draft.createdAt ?? now, updatedAt: now } as Row;
    // one statement over every column (a field left out is NULL), prepared once per collection
    this.insertStmt ??= this.db.prepare(`INSERT INTO ${q(this.spec.name)} (${this.columns.map(q).join(', ')}) VALUES (${this.columns.map(() => '?').join(', ')})`);
    this.insertStmt.run(...this.columns.map((c) => this.encode(c, rec[c])));
    for (const c of this.columns) if (rec[c] === undefined) rec[c] = null;
    return rec as unknown as E;
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

  async insertMany(drafts: readonly Draft<E>[]): Promise<number> {
    const now = new Date();
    // one record needs no savepoint: a single statement is atomic already
    if (drafts.length === 1) return this.write(() => { this.insertSync(drafts[0]!, now); return 1; });
    return this.write(() => this.db.transaction(() => { for (const d of drafts) this.insertSync(d, now); return drafts.length; })());
  }

  private getSync(id: T.Id): E | null {
    const row = this.stmt(`SELECT * FROM ${q(this.spec.name)} WHERE "id" = ?`).get(id) as Row | undefined;
    return row ? this.decode(row) : null;
  }

  async get(id: T.Id): Promise<E | null> {
    return this.getSync(id);
  }

  async findOne(filter: Filter<E>, sort?: Sort<E>): Promise<E | null> {
    const w = this.where(filter);
    const row = this.stmt(`SELECT * FROM ${q(this.spec.name)}${w.sql}${this.orderBy(sort)} LIMIT 1`).get(...w.params) as Row | undefined;
    return row ? this.decode(row) : null;
  }

  async find(filter: Filter<E>, options: FindOptions<E> = {}): Promise<E[]> {
    const w = this.where(filter);
    const limit = options.limit ?? -1;
    const sql = `SELECT * FROM ${q(this.spec.name)}${w.sql}${this.orderBy(options.sort)} LIMIT ? OFFSET ?`;
    return (this.stmt(sql).all(...w.params, limit, options.offset ?? 0) as Row[]).map((r) => this.decode(r));
  }

  /** SQLite's plan for the query `find` (or `count`) would run: what the EXPLAIN test reads (issue 11). */
  explain(filter: Filter<E>, options: FindOptions<E> & { count?: boolean } = {}): string[] {
    const w = this.where(filter);
    const sql = options.count ? `SELECT COUNT(*) AS n FROM ${q(this.spec.name)}${w.sql}` : `SELECT * FROM ${q(this.spec.name)}${w.sql}${this.orderBy(options.sort)} LIMIT ? OFFSET ?`;
    const params = options.count ? w.params : [...w.params, options.limit ?? -1, options.offset ?? 0];
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  }

  async count(filter: Filter<E>): Promise<number> {
    const w = this.where(filter);
    return (this.stmt(`SELECT COUNT(*) AS n FROM ${q(this.spec.name)}${w.sql}`).get(...w.params) as { n: number }).n;
  }

  async distinct<K extends keyof E & string>(field: K, filter: Filter<E>): Promise<E[K][]> {
    this.field(field);
    const w = this.where(filter);
    const rows = this.stmt(`SELECT DISTINCT ${q(field)} AS v FROM ${q(this.spec.name)}${w.sql}`).all(...w.params) as { v: unknown }[];
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

  async upsertMany(drafts: readonly UpsertDraft<E>[], key: readonly (keyof E & string)[]): Promise<{ id: T.Id; outcome: 'created' | 'updated' | 'unchanged' }[]> {
    const now = new Date();
    const lookup = this.stmt(`SELECT * FROM ${q(this.spec.name)} WHERE ${key.map((k) => `${q(k)} = ?`).join(' AND ')}`);
    return this.write(() => this.db.transaction(() => {
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
    })());
  }
}
