import type * as T from '../domain/types';
import type { FigureStore } from './figures';
import type { RosterStore } from './roster-stage';

/** A comparison on one field. Plain values mean equality. */
export interface FieldOp<V> {
  in?: readonly V[];
  nin?: readonly V[];
  ne?: V;
  lt?: V;
  lte?: V;
  gt?: V;
  gte?: V;
}
type Scalar = string | number | boolean | Date | null;
/** Filters reach scalar fields only (json fields are not queryable). */
export type Filter<E> = { [K in keyof E]?: E[K] extends Scalar ? E[K] | FieldOp<E[K]> : never };
export type Sort<E> = Partial<Record<keyof E & string, 1 | -1>>;
export interface FindOptions<E> {
  limit?: number;
  offset?: number;
  sort?: Sort<E>;
}
/** A find that reads only some fields of each record (and its id): less to read, convert and keep. */
export interface FieldsOptions<E, K extends keyof E & string> extends FindOptions<E> {
  fields: readonly K[];
}

/** What a caller supplies to create a record; id and timestamps are filled in unless given. */
export type Draft<E extends T.Entity> = Omit<E, 'id' | 'createdAt' | 'updatedAt'> & Partial<Pick<E, 'id' | 'createdAt'>>;
export type Patch<E extends T.Entity> = Partial<Omit<E, 'id' | 'createdAt' | 'updatedAt'>>;
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';
/** For upserts, a field left out is kept on update (and null, where allowed, on create). */
export type UpsertDraft<E extends T.Entity> = Partial<Draft<E>>;

/** One kind of record. Both adapters implement exactly this; the contract suite checks it. */
export interface Collection<E extends T.Entity> {
  /** Throws DomainError `conflict` when a unique key is taken. */
  insert(draft: Draft<E>): Promise<E>;
  /** The record inserted, or null when a unique key is taken (another writer was first): for records made once. */
  insertIfAbsent(draft: Draft<E>): Promise<E | null>;
  insertMany(drafts: readonly Draft<E>[]): Promise<number>;
  get(id: T.Id): Promise<E | null>;
  findOne(filter: Filter<E>, sort?: Sort<E>): Promise<E | null>;
  find<K extends keyof E & string>(filter: Filter<E>, options: FieldsOptions<E, K>): Promise<Pick<E, K | 'id'>[]>;
  find(filter: Filter<E>, options?: FindOptions<E>): Promise<E[]>;
  count(filter: Filter<E>): Promise<number>;
  distinct<K extends keyof E & string>(field: K, filter: Filter<E>): Promise<E[K][]>;
  /** Returns the updated record, or null when there is none with that id. */
  update(id: T.Id, patch: Patch<E>): Promise<E | null>;
  /** Compare-and-set for many: updates every record matching the filter; returns how many. */
  updateWhere(filter: Filter<E>, patch: Patch<E>): Promise<number>;
  delete(id: T.Id): Promise<boolean>;
  /** Deletes every record the filter matches; returns how many (retention, expired intents). */
  deleteWhere(filter: Filter<E>): Promise<number>;
  /**
   * Creates or updates records by a natural key (e.g. `['code']`), in input order.
   * A record whose fields already match is left alone (`unchanged`).
   */
  upsertMany(drafts: readonly UpsertDraft<E>[], key: readonly (keyof E & string)[]): Promise<{ id: T.Id; outcome: UpsertOutcome }[]>;
}

/** Photos and other bytes, addressed by their sha256. */
export interface BlobStore {
  /** Resolves only once the bytes are durable (fsynced file, or a completed GridFS upload). */
  put(bytes: Buffer): Promise<{ sha256: string; size: number; created: boolean }>;
  get(sha256: string): Promise<Buffer | null>;
  has(sha256: string): Promise<boolean>;
}

export interface Collections {
  communities: Collection<T.Community>;
  grids: Collection<T.Grid>;
  groups: Collection<T.Group>;
  houses: Collection<T.House>;
  landlords: Collection<T.Landlord>;
  contacts: Collection<T.Contact>;
  letters: Collection<T.Letter>;
  commitments: Collection<T.Commitment>;
  rounds: Collection<T.Round>;
  submissions: Collection<T.Submission>;
  photos: Collection<T.Photo>;
  hazards: Collection<T.Hazard>;
  tips: Collection<T.Tip>;
  points: Collection<T.PointEntry>;
  pointRules: Collection<T.PointRule>;
  broadcasts: Collection<T.Broadcast>;
  deliveries: Collection<T.Delivery>;
  users: Collection<T.User>;
  tokens: Collection<T.ApiToken>;
  passwords: Collection<T.Password>;
  sessions: Collection<T.Session>;
  signinAttempts: Collection<T.SigninAttempt>;
  bindCodes: Collection<T.BindCode>;
  audit: Collection<T.AuditEntry>;
  reportRows: Collection<T.ReportRow>;
  intents: Collection<T.Intent>;
  processedMessages: Collection<T.ProcessedMessage>;
  outbox: Collection<T.OutboxEntry>;
  schedules: Collection<T.Schedule>;
  roomMembers: Collection<T.RoomMember>;
  roomLeases: Collection<T.RoomLease>;
  placards: Collection<T.PlacardToken>;
}

/** The Store port: everything the services may ask of storage. */
export interface Store extends Collections, FigureStore {
  readonly kind: 'sqlite' | 'mongodb';
  /** SQLite: the database file (the folder beside it holds uploads; the health check reads its disk) */
  readonly file?: string;
  readonly blobs: BlobStore;
  /** Staging and applying a roster import, all at once, with its warnings (roster-stage.ts). */
  readonly roster: RosterStore;
  /** Atomically the next number of a named sequence (hazard and tip numbers), starting at 1. */
  nextSequence(name: string): Promise<number>;
  /** True once per message id: the first caller gets true, every redelivery false. */
  markProcessed(messageId: string, kind: string): Promise<boolean>;
  /**
   * Runs `fn` so that the writes it makes reach the disk together: after a crash, all of
   * them or none (SQLite: one commit). Resolves once they are durable. Not isolation:
   * other callers' writes may share the commit, and an error from `fn` keeps the writes
   * made before it. MongoDB without a replica-set transaction: each write on its own.
   */
  atomically<R>(fn: () => Promise<R>): Promise<R>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
