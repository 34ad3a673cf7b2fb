import type * as T from '../domain/types';
import type { Collections } from './store';

/** Storage types of a field; a trailing `?` means it may be null. */
export type FieldType = 'string' | 'int' | 'number' | 'bool' | 'date' | 'json';
export type FieldDef = FieldType | `${FieldType}?`;
type Own<E> = Exclude<keyof E, keyof T.Entity>;

/** One collection's fields and keys: the single description both adapters build from. */
export interface CollectionSpec<E extends T.Entity> {
  name: string;
  fields: { [K in Own<E>]-?: FieldDef };
  unique?: readonly (readonly (keyof E & string)[])[];
  indexes?: readonly (readonly (keyof E & string)[])[];
}

/** Any collection's spec, its entity forgotten: what code walking every collection's fields reads. */
export interface AnyCollectionSpec {
  name: string;
  fields: Readonly<Record<string, FieldDef>>;
  unique?: readonly (readonly string[])[];
  indexes?: readonly (readonly string[])[];
}

const spec = <E extends T.Entity>(s: CollectionSpec<E>) => s;
const placed = { communityId: 'string', gridId: 'string', groupId: 'string' } as const;

export const SPECS: {
  [K in keyof Collections]: Collections[K] extends import('./store').Collection<infer E extends T.Entity> ? CollectionSpec<E> : never;
} = {
  communities: spec<T.Community>({ name: 'communities', fields: { name: 'string' }, unique: [['name']] }),
  grids: spec<T.Grid>({
    name: 'grids',
    fields: { communityId: 'string', name: 'string' },
    unique: [['communityId', 'name']],
    indexes: [['communityId', 'id'], ['name']],
  }),
  groups: spec<T.Group>({
    name: 'groups',
    fields: {
      communityId: 'string',
      gridId: 'string',
      name: 'string',
      headHouseId: 'string?',
      roomId: 'string?',
      locale: 'string?',
      botId: 'string?',
    },
    unique: [['gridId', 'name'], ['roomId']],
    indexes: [
      ['communityId', 'id'],
      ['gridId', 'id'],
    ],
  }),
  houses: spec<T.House>({
    name: 'houses',
    fields: {
      code: 'string',
      address: 'string',
      ...placed,
      landlordId: 'string',
      contactId: 'string?',
      pendingContactId: 'string?',
      holderLeftAt: 'date?',
      tenants: 'int',
      rooms: 'int',
      isKey: 'bool',
    },
    unique: [['code']],
    // scoped lists page by id; the report pages by code
    indexes: [
      ['communityId', 'id'],
      ['gridId', 'id'],
      ['groupId', 'id'],
      ['landlordId', 'id'],
      ['contactId'],
      ['communityId', 'code'],
      ['gridId', 'code'],
      ['groupId', 'code'],
    ],
  }),
  landlords: spec<T.Landlord>({ name: 'landlords', fields: { name: 'string', phone: 'string', sms: 'string?' }, unique: [['phone']] }),
  contacts: spec<T.Contact>({
    name: 'contacts',
    fields: { wechatId: 'string', name: 'string', landlordId: 'string?', userId: 'string?', locale: 'string?' },
    unique: [['wechatId']],
    indexes: [['landlordId'], ['userId']],
  }),
  letters: spec<T.Letter>({ name: 'letters', fields: { version: 'int', texts: 'json', publishedAt: 'date' }, unique: [['version']] }),
  commitments: spec<T.Commitment>({
    name: 'commitments',
    fields: {
      ...placed,
      houseId: 'string',
      houseCode: 'string',
      letterVersion: 'int',
      landlordId: 'string',
      contactId: 'string?',
      messageId: 'string?',
      at: 'date',
    },
    // a commitment is the holder's (issue 25): after a transfer the new holder commits afresh
    unique: [['houseId', 'letterVersion', 'contactId']],
    indexes: [
      ['letterVersion', 'groupId'],
      ['letterVersion', 'gridId'],
      ['letterVersion', 'communityId'],
    ],
  }),
  rounds: spec<T.Round>({
    name: 'rounds',
    fields: { period: 'string', deadline: 'date', scope: 'string', status: 'string', openedAt: 'date' },
    unique: [['period', 'scope']],
    indexes: [
      ['status', 'openedAt', 'id'],
      ['openedAt', 'id'],
    ],
  }),
  submissions: spec<T.Submission>({
    name: 'submissions',
    fields: {
      ...placed,
      roundId: 'string',
      period: 'string',
      houseId: 'string',
      houseCode: 'string',
      status: 'string',
      items: 'json',
      returnReason: 'string?',
      returnedItem: 'string?',
      reviewedBy: 'string?',
      reviewedAt: 'date?',
    },
    unique: [['roundId', 'houseId']],
    indexes: [
      ['period', 'status'],
      ['groupId', 'id'],
      ['gridId', 'id'],
      ['communityId', 'id'],
      ['houseId', 'period'],
      ['roundId', 'id'],
    ],
  }),
  photos: spec<T.Photo>({
    name: 'photos',
    fields: {
      sha256: 'string',
      mime: 'string',
      size: 'int',
      contactId: 'string?',
      messageId: 'string?',
      houseId: 'string?',
      roundId: 'string?',
      item: 'string?',
      hazardId: 'string?',
      tipId: 'string?',
      counted: 'bool',
    },
    indexes: [['sha256'], ['houseId', 'roundId'], ['messageId']],
  }),
  hazards: spec<T.Hazard>({
    name: 'hazards',
    fields: {
      ...placed,
      number: 'int',
      houseId: 'string',
      houseCode: 'string',
      description: 'string',
      deadline: 'date',
      status: 'string',
      openedBy: 'string',
      evidencePhotoIds: 'json',
      sitePhotos: 'json?',
      rectifiedAt: 'date?',
      closedAt: 'date?',
      closedBy: 'string?',
    },
    unique: [['number']],
    indexes: [
      ['status', 'deadline', 'id'],
      ['houseId', 'status'],
      ['groupId', 'number'],
      ['gridId', 'number'],
      ['communityId', 'number'],
      ['status', 'number'],
    ],
  }),
  tips: spec<T.Tip>({
    name: 'tips',
    fields: {
      number: 'int',
      reporterContactId: 'string',
      houseId: 'string?',
      communityId: 'string?',
      gridId: 'string?',
      groupId: 'string?',
      hazardId: 'string?',
      text: 'string',
      photoIds: 'json',
      status: 'string',
      decidedBy: 'string?',
      decidedAt: 'date?',
      reason: 'string?',
    },
    unique: [['number']],
    indexes: [
      ['status', 'number'],
      ['reporterContactId', 'createdAt'],
      ['communityId', 'number'],
      ['gridId', 'number'],
      ['groupId', 'number'],
    ],
  }),
  points: spec<T.PointEntry>({
    name: 'points',
    fields: { landlordId: 'string?', contactId: 'string?', gridId: 'string?', reason: 'string', amount: 'int', refId: 'string' },
    unique: [['reason', 'refId', 'landlordId']],
    indexes: [
      ['landlordId', 'createdAt'],
      ['gridId', 'createdAt'],
    ],
  }),
  pointRules: spec<T.PointRule>({ name: 'point_rules', fields: { reason: 'string', amount: 'int' }, unique: [['reason']] }),
  broadcasts: spec<T.Broadcast>({
    name: 'broadcasts',
    fields: { text: 'string', imagePhotoId: 'string?', scope: 'string', at: 'date', status: 'string', createdBy: 'string' },
    indexes: [
      ['status', 'at'],
      ['at', 'id'],
      ['scope', 'at', 'id'],
    ],
  }),
  deliveries: spec<T.Delivery>({
    name: 'deliveries',
    fields: { broadcastId: 'string', roomId: 'string', status: 'string', sentAt: 'date?', error: 'string?' },
    unique: [['broadcastId', 'roomId']],
    indexes: [['broadcastId', 'status']],
  }),
  users: spec<T.User>({
    name: 'users',
    fields: { name: 'string', role: 'string', scope: 'string', contactId: 'string?', active: 'bool' },
    indexes: [['contactId']],
  }),
  tokens: spec<T.ApiToken>({
    name: 'tokens',
    fields: { userId: 'string', hash: 'string', label: 'string', lastUsedAt: 'date?', revokedAt: 'date?' },
    unique: [['hash']],
    indexes: [['userId']],
  }),
  passwords: spec<T.Password>({
    name: 'passwords',
    fields: { userId: 'string', username: 'string', hash: 'string', mustChange: 'bool' },
    unique: [['userId'], ['username']],
  }),
  sessions: spec<T.Session>({
    name: 'sessions',
    fields: { userId: 'string', hash: 'string', expiresAt: 'date', revokedAt: 'date?' },
    unique: [['hash']],
    indexes: [['userId'], ['expiresAt']],
  }),
  signinAttempts: spec<T.SigninAttempt>({
    name: 'signin_attempts',
    fields: { key: 'string', failures: 'int', windowStart: 'date', lockedUntil: 'date?' },
    unique: [['key']],
  }),
  bindCodes: spec<T.BindCode>({
    name: 'bind_codes',
    fields: { code: 'string', kind: 'string', targetId: 'string', expiresAt: 'date?', usedAt: 'date?', usedBy: 'string?' },
    unique: [['code']],
  }),
  reportRows: spec<T.ReportRow>({
    name: 'report_rows',
    fields: { ...placed, period: 'string', code: 'string', data: 'json' },
    unique: [['period', 'code']],
    indexes: [
      ['period', 'communityId', 'code'],
      ['period', 'gridId', 'code'],
      ['period', 'groupId', 'code'],
    ],
  }),
  audit: spec<T.AuditEntry>({
    name: 'audit',
    fields: {
      actor: 'string',
      action: 'string',
      target: 'string',
      detail: 'json',
      communityId: 'string?',
      gridId: 'string?',
      groupId: 'string?',
    },
    indexes: [['target'], ['communityId', 'id'], ['gridId', 'id'], ['groupId', 'id']],
  }),
  intents: spec<T.Intent>({
    name: 'intents',
    fields: {
      contactId: 'string',
      conversation: 'string',
      kind: 'string',
      item: 'string?',
      houseId: 'string?',
      photoId: 'string?',
      hazardId: 'string?',
      tipId: 'string?',
      since: 'date',
      expiresAt: 'date',
    },
    // (conversation, kind): is a return's reason awaited in this room — asked of every plain message there
    indexes: [['contactId', 'conversation', 'kind', 'since'], ['expiresAt'], ['conversation', 'kind']],
  }),
  processedMessages: spec<T.ProcessedMessage>({ name: 'processed_messages', fields: { kind: 'string' } }),
  schedules: spec<T.Schedule>({
    name: 'schedules',
    fields: {
      name: 'string',
      cron: 'string',
      timeZone: 'string',
      action: 'string',
      scope: 'string',
      params: 'json',
      enabled: 'bool',
      lastRunAt: 'date?',
      nextRunAt: 'date',
    },
    unique: [['name']],
    indexes: [['enabled', 'nextRunAt', 'id']],
  }),
  outbox: spec<T.OutboxEntry>({
    name: 'outbox',
    fields: {
      key: 'string',
      account: 'string',
      roomId: 'string?',
      contactId: 'string?',
      text: 'string',
      mentions: 'json',
      priority: 'int',
      status: 'string',
      attempts: 'int',
      notBefore: 'date',
      leaseUntil: 'date?',
      leasedBy: 'string?',
      sentAt: 'date?',
      error: 'string?',
      broadcastId: 'string?',
      photoId: 'string?',
    },
    unique: [['key']],
    // sorted queries end on the id (`_id` on MongoDB) as tie-breaker: the indexes end in it too
    // (roomId, status): a room's unsent entries follow the account that takes the room over
    indexes: [
      ['account', 'status', 'priority', 'notBefore', 'id'],
      ['broadcastId'],
      ['account', 'status', 'sentAt', 'id'],
      ['roomId', 'status'],
    ],
  }),
  roomMembers: spec<T.RoomMember>({
    name: 'room_members',
    fields: { roomId: 'string', account: 'string' },
    unique: [['roomId', 'account']],
    indexes: [['account', 'roomId']],
  }),
  placards: spec<T.PlacardToken>({
    name: 'placards',
    fields: { houseId: 'string', token: 'string', rotatedBy: 'string?' },
    unique: [['houseId'], ['token']],
  }),
  roomLeases: spec<T.RoomLease>({
    name: 'room_leases',
    fields: { roomId: 'string', account: 'string', leaseUntil: 'date', worker: 'string' },
    unique: [['roomId']],
    indexes: [['account', 'roomId']],
  }),
};

export const baseType = (d: FieldDef): FieldType => d.replace('?', '') as FieldType;
export const isNullable = (d: FieldDef): boolean => d.endsWith('?');
