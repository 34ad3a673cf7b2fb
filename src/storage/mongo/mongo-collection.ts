import type { Model, Mongoose } from 'mongoose';
import { insertOrNull } from '../../domain/errors';
import { newId } from '../../domain/ids';
import type * as T from '../../domain/types';
import type { CollectionSpec } from '../schema';
import type { Collection, Draft, UpsertDraft, FieldsOptions, Filter, FindOptions, Patch, Sort } from '../store';
import { keyOf, planUpsert } from '../upsert-plan';
import { withMongoLock } from './mongo-lock';
import type { MongoUnitOfWork } from './mongo-unit-of-work';
import type { MongoKeptFigures } from './mongo-kept-figures';
import { SPECS } from '../schema';
import { toMongoFilter, toMongoSort } from './mongo-filter';
import { translateMongoError } from './translate-error';

type Doc = Record<string, unknown>;
const CHUNK = 1000;
/** Beyond this many records a write is not one transaction (a server's transaction is bounded in time and size); chunked instead. */
export const TX_MAX = 10_000;

/** One MongoDB collection behind the Collection port; built from the shared CollectionSpec. */
export class MongoCollection<E extends T.Entity> implements Collection<E> {
  constructor(
    private readonly mongoose: Mongoose,
    private readonly model: Model<Doc>,
    private readonly spec: CollectionSpec<E>,
    private readonly uow: MongoUnitOfWork,
    /** the kept figures, for the collections whose writes change them (issue 29) */
    private readonly kept?: MongoKeptFigures,
  ) {}

  /** A write and the kept figures brought up to date with it: one unit of work (a transaction on a replica set). */
  private keeping<R>(fn: () => Promise<R>): Promise<R> {
    return this.kept ? this.uow.run(fn) : fn();
  }

  /** the houses (and, for hazards, the groups) whose figures these records, before or after a write, are part of */
  private async touch(docs: readonly (Doc | null | undefined)[]): Promise<void> {
    if (!this.kept) return;
    const houses: string[] = [];
    const hazardGroups: string[] = [];
    const isHouse = this.spec.name === SPECS.houses.name;
    for (const d of docs) {
      if (!d) continue;
      const h = isHouse ? (d._id ?? d.id) : d.houseId;
      if (typeof h === 'string') houses.push(h);
      if (this.spec.name === SPECS.hazards.name && typeof d.groupId === 'string') hazardGroups.push(d.groupId);
    }
    await this.kept.touched({ houses, hazardGroups });
  }

  /** the records a filter matches, as much of them as `touch` reads (before a write changes or removes them) */
  private async touchedBy(filter: Record<string, unknown>): Promise<Doc[]> {
    if (!this.kept) return [];
    return this.model.collection.find(filter, this.uow.opts({ projection: { houseId: 1, groupId: 1 } })).toArray();
  }

  private filter(f: Filter<E>): Record<string, unknown> {
    return toMongoFilter(f as Record<string, unknown>, (o) => this.mongoose.trusted(o));
  }

  private toDomain(doc: Doc | null): E | null {
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { id: _id, ...rest } as unknown as E;
  }

  private toDoc(draft: Draft<E>, now: Date): Doc {
    const { id, ...rest } = draft as Doc;
    return { ...rest, _id: (id as string | undefined) ?? newId(now.getTime()), createdAt: (draft as Doc).createdAt ?? now, updatedAt: now };
  }

  private setOf(patch: Patch<E>, now: Date): Doc {
    const set: Doc = {};
    for (const [k, v] of Object.entries(patch as Doc))
      if (v !== undefined && k !== 'id' && k !== 'createdAt' && k !== 'updatedAt') set[k] = v;
    set.updatedAt = now;
    return set;
  }

  /** One transaction where the server has them and the write is not too big for one. */
  private unit<R>(records: number, fn: () => Promise<R>): Promise<R> {
    return records <= TX_MAX ? this.uow.run(fn) : fn();
  }

  /** The document as the schema casts and validates it, with every null field present as null. */
  private async checked(doc: Doc): Promise<Doc> {
    const d = new this.model(doc);
    await d.validate();
    const out = d.toObject({ depopulate: true, virtuals: false, minimize: false }) as Doc;
    for (const [k, v] of Object.entries(doc)) if (v === null) out[k] = null;
    return out;
  }

  private async guard<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (e) {
      this.uow.serverFailed();
      throw translateMongoError(e, this.spec.name);
    }
  }

  insertIfAbsent(draft: Draft<E>): Promise<E | null> {
    return insertOrNull(() => this.insert(draft));
  }

  insert(draft: Draft<E>): Promise<E> {
    return this.guard(async () => {
      const doc = this.toDoc(draft, new Date());
      // cast and validated by the schema; nulls kept (castObject would drop them, and SQLite returns them)
      const stored = await this.checked(doc);
      return this.keeping(async () => {
        await this.model.collection.insertOne(stored, this.uow.opts());
        await this.touch([stored]);
        return this.toDomain(stored) as E;
      });
    });
  }

  insertMany(drafts: readonly Draft<E>[]): Promise<number> {
    return this.guard(async () => {
      if (drafts.length === 0) return 0;
      const now = new Date();
      const docs = drafts.map((d) => this.toDoc(d, now));
      // a transaction makes it all or nothing where the server has them
      if (this.uow.transactions && drafts.length <= TX_MAX)
        return this.uow.run(async () => {
          await this.model.collection.insertMany(docs, this.uow.opts({ ordered: true }));
          await this.touch(docs);
          return drafts.length;
        });
      try {
        await this.model.collection.insertMany(docs, { ordered: true });
      } catch (e) {
        // all or nothing, as on SQLite: an ordered insert stopped at its first error, so the
        // documents before it are ours — take them back out (a replica-set transaction would not need this)
        const errs = (e as { writeErrors?: { index: number }[] | { index: number } }).writeErrors;
        const first = Array.isArray(errs) ? Math.min(...errs.map((w) => w.index)) : errs?.index;
        const ours = docs.slice(0, first ?? 0).map((d) => d._id);
        if (ours.length) await this.model.collection.deleteMany({ _id: { $in: ours } } as never);
        throw e;
      }
      await this.touch(docs);
      return drafts.length;
    });
  }

  get(id: T.Id): Promise<E | null> {
    return this.guard(async () =>
      this.toDomain(
        await this.model
          .findOne(this.filter({ id } as Filter<E>))
          .session(this.uow.session() ?? null)
          .lean<Doc>()
          .exec(),
      ),
    );
  }

  async findOne(filter: Filter<E>, sort?: Sort<E>): Promise<E | null> {
    return (await this.find(filter, { limit: 1, sort }))[0] ?? null;
  }

  find<K extends keyof E & string>(filter: Filter<E>, options: FieldsOptions<E, K>): Promise<Pick<E, K | 'id'>[]>;
  find(filter: Filter<E>, options?: FindOptions<E>): Promise<E[]>;
  find(filter: Filter<E>, options: FindOptions<E> & { fields?: readonly (keyof E & string)[] } = {}): Promise<E[]> {
    return this.guard(async () => {
      // only the fields asked for (the id always comes, as _id)
      const projection = options.fields ? Object.fromEntries(options.fields.filter((f) => f !== 'id').map((f) => [f, 1])) : undefined;
      let q = this.model
        .find(this.filter(filter), projection)
        .sort(
          toMongoSort(
            options.sort as Record<string, 1 | -1>,
            Object.keys(options.sort ?? {}).length === 1 &&
              (this.spec.unique ?? []).some((k) => k.length === 1 && k[0] === Object.keys(options.sort!)[0]),
          ),
        )
        .skip(options.offset ?? 0)
        .session(this.uow.session() ?? null);
      if (options.limit !== undefined) q = q.limit(options.limit);
      return (await q.lean<Doc[]>().exec()).map((d) => this.toDomain(d) as E);
    });
  }

  count(filter: Filter<E>): Promise<number> {
    return this.guard(() =>
      this.model
        .countDocuments(this.filter(filter))
        .session(this.uow.session() ?? null)
        .exec(),
    );
  }

  distinct<K extends keyof E & string>(field: K, filter: Filter<E>): Promise<E[K][]> {
    return this.guard(
      async () =>
        (await this.model
          .distinct(field === 'id' ? '_id' : field, this.filter(filter))
          .session(this.uow.session() ?? null)
          .exec()) as E[K][],
    );
  }

  update(id: T.Id, patch: Patch<E>): Promise<E | null> {
    return this.guard(() =>
      this.keeping(async () => {
        const before = await this.touchedBy(this.filter({ id } as Filter<E>));
        const doc = await this.model
          .findOneAndUpdate(this.filter({ id } as Filter<E>), { $set: this.setOf(patch, new Date()) }, { returnDocument: 'after' })
          .session(this.uow.session() ?? null)
          .lean<Doc>()
          .exec();
        await this.touch([...before, doc]);
        return this.toDomain(doc);
      }),
    );
  }

  updateWhere(filter: Filter<E>, patch: Patch<E>): Promise<number> {
    return this.guard(() =>
      this.keeping(async () => {
        const before = await this.touchedBy(this.filter(filter));
        const n = (
          await this.model
            .updateMany(this.filter(filter), { $set: this.setOf(patch, new Date()) })
            .session(this.uow.session() ?? null)
            .exec()
        ).matchedCount;
        if (before.length) await this.touch([...before, ...(await this.touchedBy({ _id: { $in: before.map((d) => d._id) } }))]);
        return n;
      }),
    );
  }

  delete(id: T.Id): Promise<boolean> {
    return this.guard(() =>
      this.keeping(async () => {
        const before = await this.touchedBy(this.filter({ id } as Filter<E>));
        const gone =
          (
            await this.model
              .deleteOne(this.filter({ id } as Filter<E>))
              .session(this.uow.session() ?? null)
              .exec()
          ).deletedCount > 0;
        await this.touch(before);
        return gone;
      }),
    );
  }

  deleteWhere(filter: Filter<E>): Promise<number> {
    return this.guard(() =>
      this.keeping(async () => {
        const before = await this.touchedBy(this.filter(filter));
        const n = (
          await this.model
            .deleteMany(this.filter(filter))
            .session(this.uow.session() ?? null)
            .exec()
        ).deletedCount;
        await this.touch(before);
        return n;
      }),
    );
  }

  upsertMany(
    drafts: readonly UpsertDraft<E>[],
    key: readonly (keyof E & string)[],
  ): Promise<{ id: T.Id; outcome: 'created' | 'updated' | 'unchanged' }[]> {
    // read, plan and write under one lock per collection, so concurrent imports (in any process) see each other's records
    return this.guard(() =>
      withMongoLock(this.model.db, `upsert:${this.spec.name}`, () =>
        this.unit(drafts.length, async () => {
          const now = new Date();
          const existing: E[] = [];
          for (let i = 0; i < drafts.length; i += CHUNK) {
            const chunk = drafts.slice(i, i + CHUNK) as Doc[];
            const uniq = new Map(chunk.map((d) => [keyOf(d, key), d]));
            const ors = [...uniq.values()].map((d) => this.filter(Object.fromEntries(key.map((k) => [k, d[k]])) as Filter<E>));
            const found = await this.model
              .find(this.mongoose.trusted({ $or: ors }))
              .session(this.uow.session() ?? null)
              .lean<Doc[]>()
              .exec();
            existing.push(...found.map((d) => this.toDomain(d) as E));
          }
          const steps = planUpsert(existing, drafts, key, () => newId(now.getTime()));
          const ops = steps.flatMap((s): object[] => {
            if (s.outcome === 'created') return [{ insertOne: { document: this.toDoc(s.draft, now) } }];
            if (s.outcome === 'updated')
              return [{ updateOne: { filter: { _id: s.id }, update: { $set: this.setOf(s.patch as Patch<E>, now) } } }];
            return [];
          });
          for (let i = 0; i < ops.length; i += CHUNK)
            await this.model.bulkWrite(ops.slice(i, i + CHUNK) as never, this.uow.opts({ ordered: true }));
          // what changed, before and after (a house moved leaves its old group's counts through its kept row)
          const changed = steps
            .filter((st) => st.outcome !== 'unchanged')
            .map((st) => (st.outcome === 'created' ? (st.draft.id as T.Id) : st.id));
          if (this.kept && changed.length) {
            const ids = new Set(changed);
            const after: Doc[] = [];
            for (let i = 0; i < changed.length; i += CHUNK)
              after.push(...(await this.touchedBy({ _id: { $in: changed.slice(i, i + CHUNK) } })));
            await this.touch([...(existing as unknown as Doc[]).filter((d) => ids.has(d.id as T.Id)), ...after]);
          }
          return steps.map((s) => ({ id: s.outcome === 'created' ? (s.draft.id as T.Id) : s.id, outcome: s.outcome }));
        }),
      ),
    );
  }
}
