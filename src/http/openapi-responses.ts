import { KEY_ITEMS } from '../domain/checklist';
import { ACTIONS } from '../domain/policy';
import { baseType, isNullable, SPECS, type FieldDef } from '../storage/schema';

type Json = Record<string, unknown>;
const TYPES = {
  string: { type: 'string' },
  int: { type: 'integer' },
  number: { type: 'number' },
  bool: { type: 'boolean' },
  date: { type: 'string', format: 'date-time' },
  json: {},
} as const;
const field = (d: FieldDef): Json => {
  const t = TYPES[baseType(d)] as Json;
  if (!isNullable(d)) return t;
  return 'type' in t ? { ...t, type: [t.type, 'null'] } : t;
};

/** A stored record's JSON schema, from the collection spec both adapters build from (fields may be added, never dropped). */
function recordSchema(name: keyof typeof SPECS, omit: string[] = [], extra: Json = {}): Json {
  const fields = Object.entries(SPECS[name].fields as Record<string, FieldDef>).filter(([k]) => !omit.includes(k));
  return {
    type: 'object',
    properties: {
      id: { type: 'string' },
      createdAt: TYPES.date,
      updatedAt: TYPES.date,
      ...Object.fromEntries(fields.map(([k, d]) => [k, field(d)])),
      ...extra,
    },
    required: ['id', 'createdAt', 'updatedAt', ...fields.map(([k]) => k), ...Object.keys(extra)],
  };
}

const ref = (n: string) => ({ $ref: `#/components/schemas/${n}` });
const rates = {
  type: 'object',
  properties: { commitment: { type: 'number' }, inspection: { type: 'number' }, compliance: { type: 'number' } },
  required: ['commitment', 'inspection', 'compliance'],
};
const figures = Object.fromEntries(
  ['houses', 'keyHouses', 'committed', 'submitted', 'approved', 'compliant', 'hazardsOpen', 'hazardsOverdue'].map((k) => [
    k,
    { type: 'integer' },
  ]),
);

/** The records and shapes the API answers with (components.schemas). */
export const SCHEMAS: Record<string, Json> = {
  Community: recordSchema('communities'),
  Grid: recordSchema('grids'),
  Group: recordSchema('groups'),
  House: recordSchema('houses'),
  Landlord: recordSchema('landlords'),
  Round: recordSchema('rounds'),
  Submission: recordSchema('submissions'),
  Hazard: recordSchema('hazards', [], { overdue: { type: 'boolean' } }),
  // the reporter of a tip is never shown
  Tip: recordSchema('tips', ['reporterContactId']),
  Broadcast: recordSchema('broadcasts'),
  Schedule: recordSchema('schedules'),
  User: recordSchema('users'),
  Letter: recordSchema('letters'),
  AuditEntry: recordSchema('audit'),
  Stats: {
    type: 'object',
    properties: { scope: { type: 'string' }, period: { type: 'string' }, letterVersion: { type: ['integer', 'null'] }, ...figures, rates },
    required: ['scope', 'period', ...Object.keys(figures), 'rates'],
  },
  Ranked: {
    type: 'object',
    properties: { rank: { type: 'integer' }, id: { type: 'string' }, name: { type: 'string' }, ...figures, rates },
    required: ['rank', 'id', 'name', ...Object.keys(figures), 'rates'],
  },
};

/** `{items, total?, limit, offset, next}` of a record. */
export const listOf = (name: string): Json => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: ref(name) },
    total: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    next: { type: ['string', 'null'] },
  },
  required: ['items'],
});
const obj = (properties: Json, required = Object.keys(properties)): Json => ({ type: 'object', properties, required });
const s = { type: 'string' };
const i = { type: 'integer' };
const date = { type: 'string', format: 'date-time' };
const nullableDate = { type: ['string', 'null'], format: 'date-time' };
const ITEMS = [...KEY_ITEMS];

/** What each operation answers on success, by `method path` (OpenAPI spelling). */
export const RESPONSES: Record<string, Json> = {
  ...Object.fromEntries(
    (['communities', 'grids', 'groups', 'houses', 'landlords'] as const).flatMap((n) => {
      const name = { communities: 'Community', grids: 'Grid', groups: 'Group', houses: 'House', landlords: 'Landlord' }[n];
      return [
        [`get /api/v1/${n}`, listOf(name)],
        [`get /api/v1/${n}/{id}`, ref(name)],
        [`patch /api/v1/${n}/{id}`, ref(name)],
      ];
    }),
  ),
  'get /api/v1/submissions': listOf('Submission'),
  'post /api/v1/submissions/{id}/approve': ref('Submission'),
  'post /api/v1/submissions/{id}/return': ref('Submission'),
  'get /api/v1/review-queue': obj({
    items: {
      type: 'array',
      items: obj({
        id: s,
        houseId: s,
        houseCode: s,
        address: s,
        isKey: { type: 'boolean' },
        groupId: s,
        groupName: s,
        period: s,
        status: { type: 'string', enum: ['partial', 'complete', 'approved', 'returned'] },
        completedAt: date,
        photos: { type: 'array', items: obj({ id: s, item: { type: 'string', enum: ITEMS }, at: date }) },
      }),
    },
    limit: i,
    next: { type: ['string', 'null'] },
  }),
  'post /api/v1/submissions/approve': obj({
    approved: { type: 'array', items: ref('Submission') },
    refused: { type: 'array', items: obj({ id: s, houseCode: s, code: s, message: s }) },
  }),
  'get /api/v1/hazards': listOf('Hazard'),
  'post /api/v1/hazards': ref('Hazard'),
  'post /api/v1/hazards/{id}/close': ref('Hazard'),
  'post /api/v1/hazards/{id}/reopen': ref('Hazard'),
  'post /api/v1/hazards/{id}/photos': ref('Hazard'),
  'get /api/v1/tips': listOf('Tip'),
  'post /api/v1/tips/{id}/accept': { allOf: [ref('Tip'), obj({ hazard: { oneOf: [ref('Hazard'), { type: 'null' }] } })] },
  'post /api/v1/tips/{id}/reject': ref('Tip'),
  'get /api/v1/rounds': listOf('Round'),
  'post /api/v1/rounds': { allOf: [ref('Round'), obj({ announced: i })] },
  'post /api/v1/rounds/{id}/remind': obj({ reminded: i, already: i }),
  'post /api/v1/groups/{id}/remind': obj({ status: { type: 'string', enum: ['sent', 'cooling'] }, houses: i, last: date, next: date }, [
    'status',
    'houses',
  ]),
  'get /api/v1/broadcasts': listOf('Broadcast'),
  'post /api/v1/broadcasts': obj({ id: s, rooms: i, at: { type: 'string', format: 'date-time' } }),
  'get /api/v1/broadcasts/preview': obj({ scope: s, groups: i, bound: i, unbound: i }),
  'get /api/v1/broadcasts/{id}': obj(
    {
      status: s,
      deliveries: {
        type: 'array',
        items: obj({
          roomId: s,
          status: s,
          sentAt: { type: ['string', 'null'], format: 'date-time' },
          error: { type: ['string', 'null'] },
        }),
      },
    },
    ['status', 'deliveries'],
  ),
  'get /api/v1/schedules': listOf('Schedule'),
  'post /api/v1/schedules': ref('Schedule'),
  'patch /api/v1/schedules/{id}': ref('Schedule'),
  'get /api/v1/schedules/preview': obj({ cron: s, timeZone: s, runs: { type: 'array', items: { type: 'string', format: 'date-time' } } }),
  'get /api/v1/users': listOf('User'),
  'post /api/v1/users': { allOf: [ref('User'), obj({ token: s })] },
  'get /api/v1/users/{id}': ref('User'),
  'patch /api/v1/users/{id}': ref('User'),
  'post /api/v1/users/{id}/token': obj({ id: s, token: s }),
  'post /api/v1/users/{id}/bind-code': obj({ code: s, expiresAt: { type: 'string', format: 'date-time' } }),
  'post /api/v1/groups/{id}/bind-code': obj({ code: s, expiresAt: { type: ['string', 'null'], format: 'date-time' } }, ['code']),
  'get /api/v1/me': obj({
    id: s,
    name: s,
    role: { type: 'string', enum: ['admin', 'staff', 'head'] },
    scope: s,
    scopeName: { type: ['string', 'null'] },
    username: { type: ['string', 'null'], description: 'the sign-in name (null: no password set)' },
    mustChangePassword: { type: 'boolean', description: 'the password was set by an admin: choose one' },
    timeZone: { type: 'string', description: "the street's time zone (TZ), which the dashboard shows times in" },
    actions: {
      type: 'array',
      items: ref('Action'),
      uniqueItems: true,
      description: "what the caller may do somewhere in their scope (the policy's actions)",
    },
  }),
  'get /api/v1/session': obj({
    id: s,
    name: s,
    role: { type: 'string', enum: ['admin', 'staff', 'head'] },
    scope: s,
    scopeName: { type: ['string', 'null'] },
    username: { type: ['string', 'null'], description: 'the sign-in name (null: no password set)' },
    mustChangePassword: { type: 'boolean', description: 'the password was set by an admin: choose one' },
    timeZone: { type: 'string', description: "the street's time zone (TZ), which the dashboard shows times in" },
    actions: {
      type: 'array',
      items: ref('Action'),
      uniqueItems: true,
      description: "what the caller may do somewhere in their scope (the policy's actions)",
    },
  }),
  'post /api/v1/session': obj({
    id: s,
    name: s,
    role: { type: 'string', enum: ['admin', 'staff', 'head'] },
    scope: s,
    scopeName: { type: ['string', 'null'] },
    username: { type: ['string', 'null'], description: 'the sign-in name (null: no password set)' },
    expiresAt: { type: 'string', format: 'date-time' },
    mustChangePassword: { type: 'boolean', description: 'the password was set by an admin: choose one' },
    timeZone: { type: 'string', description: "the street's time zone (TZ), which the dashboard shows times in" },
    actions: {
      type: 'array',
      items: ref('Action'),
      uniqueItems: true,
      description: "what the caller may do somewhere in their scope (the policy's actions)",
    },
  }),
  'put /api/v1/users/{id}/password': obj({ username: s }),
  'get /api/v1/audit': {
    type: 'object',
    properties: {
      items: { type: 'array', items: { allOf: [ref('AuditEntry'), obj({ actorName: { type: ['string', 'null'] } })] } },
      total: i,
      limit: i,
      offset: i,
      next: { type: ['string', 'null'] },
    },
    required: ['items'],
  },
  'get /api/v1/stats': ref('Stats'),
  'get /api/v1/stats/ranking': obj({
    scope: s,
    period: s,
    by: { type: 'string', enum: ['group', 'grid'] },
    items: { type: 'array', items: ref('Ranked') },
    total: i,
  }),
  'get /api/v1/register': obj({
    period: s,
    items: {
      type: 'array',
      items: obj({
        houseId: s,
        code: s,
        address: s,
        communityId: s,
        gridId: s,
        groupId: s,
        community: s,
        grid: s,
        group: s,
        isKey: { type: 'boolean' },
        landlordName: s,
        landlordPhone: s,
        registered: { type: 'boolean' },
        bound: { type: 'boolean' },
        committed: { type: 'boolean' },
        submission: { type: ['string', 'null'], enum: ['partial', 'complete', 'approved', 'returned', null] },
        hazardsOpen: i,
        hazardsOverdue: i,
        points: i,
      }),
    },
    next: { type: ['string', 'null'] },
  }),
  'get /api/v1/points': obj({
    year: i,
    items: { type: 'array', items: obj({ landlordId: s, contactId: { type: ['string', 'null'] }, name: s, points: i, rank: i }) },
    total: i,
    limit: i,
    offset: i,
  }),
  'get /api/v1/points/rules': { type: 'object', additionalProperties: { type: 'integer' } },
  'put /api/v1/points/rules': { type: 'object', additionalProperties: { type: 'integer' } },
  'get /api/v1/letters': listOf('Letter'),
  'post /api/v1/letters': { allOf: [ref('Letter'), obj({ announced: i })] },
  'get /api/v1/bot': obj(
    {
      loggedIn: { type: 'boolean' },
      puppet: s,
      account: { type: 'string', description: 'the logged-in WeChat name' },
      qr: s,
      health: obj({
        state: { type: 'string', enum: ['logged_out', 'limited', 'failing', 'backlog', 'ok'] },
        account: { type: ['string', 'null'] },
        loggedIn: { type: 'boolean' },
        since: date,
        unavailableSince: nullableDate,
        lastSentAt: nullableDate,
        recentFailures: i,
        lastError: { type: ['string', 'null'] },
        limitSignals: i,
        coolingUntil: nullableDate,
        backlog: obj({ due: i, oldestDueAt: nullableDate }),
      }),
      backlogs: { type: 'array', items: obj({ account: s, due: i, oldestDueAt: nullableDate }) },
      channels: obj({
        staffWebhook: obj({
          configured: { type: 'boolean' },
          kind: { type: ['string', 'null'], enum: ['wecom', 'dingtalk', 'other', null] },
        }),
        sms: obj(
          {
            provider: { type: ['string', 'null'], enum: ['aliyun', 'tencent', null] },
            fallbackAfterMinutes: i,
            month: obj({ period: s, sent: i, costFen: i }),
          },
          ['provider', 'fallbackAfterMinutes'],
        ),
      }),
    },
    ['loggedIn', 'puppet', 'health', 'backlogs', 'channels'],
  ),
  'post /api/v1/sim/bot/logout': obj({ loggedIn: { type: 'boolean' } }),
  'post /api/v1/sim/bot/login': obj({ loggedIn: { type: 'boolean' } }),
  'post /api/v1/sim/bot/limit': obj({ minutes: i }),
  'post /api/v1/import/roster': ref('ImportResult'),
  'post /api/v1/import/roster/preview': ref('ImportPreview'),
  'get /api/v1/imports/{id}': obj(
    {
      id: s,
      status: { type: 'string', enum: ['running', 'done', 'failed'] },
      phase: { type: 'string', enum: ['parse', 'check', 'apply'] },
      processed: i,
      total: i,
      result: { oneOf: [ref('ImportResult'), ref('ImportRefused')] },
      error: { type: 'object', properties: { code: s, message: s }, required: ['code', 'message'] },
    },
    ['id', 'status', 'phase', 'processed', 'total'],
  ),
  // the import as it stopped (or finished, when it did so first)
  'delete /api/v1/imports/{id}': obj(
    {
      id: s,
      status: { type: 'string', enum: ['running', 'done', 'failed'] },
      phase: { type: 'string', enum: ['parse', 'check', 'apply'] },
      processed: i,
      total: i,
      error: { type: 'object', properties: { code: s, message: s }, required: ['code', 'message'] },
    },
    ['id', 'status', 'phase', 'processed', 'total'],
  ),
  'get /healthz': ref('Health'),
  'get /api/v1/openapi.json': obj({
    openapi: { type: 'string', pattern: '^3\\.1\\.' },
    info: { type: 'object' },
    paths: { type: 'object' },
  }),
  'get /api/v1/houses/{id}/archive': obj({
    house: ref('House'),
    landlord: { oneOf: [obj({ id: s, name: s, phone: s }), { type: 'null' }] },
    group: { oneOf: [obj({ id: s, name: s, communityId: s, gridId: s }), { type: 'null' }] },
    head: { oneOf: [obj({ houseId: s, code: s, landlordName: { type: ['string', 'null'] } }), { type: 'null' }] },
    timeline: obj({ items: { type: 'array', items: ref('TimelineEntry') }, total: i, limit: i, offset: i }),
    plan: ref('HousePlan'),
  }),
  'post /api/v1/houses/{id}/placard/rotate': obj({ houseId: s, code: s, link: s }),
  'get /api/v1/house-search': obj({
    items: { type: 'array', items: obj({ id: s, code: s, address: s, groupId: s }) },
    total: i,
    limit: i,
    offset: i,
  }),
  'get /api/v1/placards/{token}': obj({ houseId: s, code: s }),
  'post /api/v1/sim/contacts': obj({ id: s }),
  'post /api/v1/sim/rooms': obj({ id: s }),
  'post /api/v1/sim/messages': obj({ id: s }),
  'post /api/v1/sim/rooms/{id}/join': obj({ id: s }),
  'post /api/v1/sim/rooms/{id}/leave': obj({ id: s }),
  'get /api/v1/sim/rooms/{id}/messages': { type: 'array', items: ref('SimMessage') },
  'get /api/v1/sim/contacts/{id}/messages': { type: 'array', items: ref('SimMessage') },
};

/** Shapes answered by more than one operation or status, added to components.schemas. */
const rowProblem = obj({ row: i, message: s });
Object.assign(SCHEMAS, {
  ImportResult: obj({
    created: i,
    updated: i,
    unchanged: i,
    errors: { type: 'array', maxItems: 0 },
    warnings: { type: 'array', items: rowProblem },
  }),
  /** the import's dry run: nothing changed */
  ImportPreview: obj({
    rows: i,
    created: i,
    first: {
      type: 'array',
      items: obj({
        row: i,
        community: s,
        grid: s,
        group: s,
        houseCode: s,
        address: s,
        landlord: s,
        phone: s,
        tenants: i,
        rooms: i,
        head: { type: 'boolean' },
      }),
    },
    warnings: { type: 'array', items: rowProblem },
    bad: i,
    errors: { type: 'array', items: rowProblem },
  }),
  /** 422: some rows are bad, nothing changed */
  ImportRefused: obj({
    created: i,
    updated: i,
    errors: { type: 'array', items: rowProblem, minItems: 1 },
    error: obj({ code: { type: 'string', const: 'roster_rows' }, message: s }),
  }),
  Health: obj(
    {
      ok: { type: 'boolean' },
      storage: { type: 'string', enum: ['sqlite', 'mongodb'] },
      puppet: s,
      loggedIn: { type: 'boolean' },
      demo: { type: 'boolean' },
      /** the kept figures (issue 29; a store that keeps them): the month they count, and what the last verifying recount found */
      figures: obj({
        period: s,
        ready: { type: 'boolean' },
        verifiedAt: nullableDate,
        drifted: i,
        repairs: i,
      }),
    },
    ['ok', 'storage', 'puppet', 'loggedIn', 'demo'],
  ),
  /** one event of a house's history (一户一档): its kind, when, a line in the caller's language, the photos it shows; more fields by kind */
  TimelineEntry: obj({
    kind: { type: 'string', enum: ['registration', 'review', 'edit', 'commitment', 'round', 'hazard', 'tip', 'points'] },
    at: { type: 'string', format: 'date-time' },
    text: s,
    photos: { type: 'array', items: s },
  }),
  /** 一户一方案: open hazards with measures and check, what the current round still lacks */
  HousePlan: obj({
    committed: { type: 'boolean' },
    letterVersion: { type: ['integer', 'null'] },
    hazards: {
      type: 'array',
      items: obj({
        hazardId: s,
        number: i,
        description: s,
        deadline: { type: 'string', format: 'date-time' },
        status: { type: 'string', enum: ['open', 'rectified'] },
        overdue: { type: 'boolean' },
        step: { type: 'string', enum: ['evidence', 'check'] },
        line: s,
        measures: s,
        check: s,
      }),
    },
    round: {
      oneOf: [
        obj({
          period: s,
          deadline: { type: 'string', format: 'date-time' },
          submission: { type: ['string', 'null'] },
          returnReason: { type: ['string', 'null'] },
          owed: { type: 'array', items: s },
        }),
        { type: 'null' },
      ],
    },
    roundText: { type: ['string', 'null'] },
  }),
  /** a permission of the policy (src/domain/policy.ts); each operation's `x-action` is one */
  Action: { type: 'string', enum: [...ACTIONS] },
  SimMessage: obj(
    {
      id: s,
      from: s,
      text: s,
      image: s,
      kind: { type: 'string', enum: ['voice', 'sticker', 'video', 'file', 'link', 'recall'] },
      mentions: { type: 'array', items: s },
      at: { type: 'string', format: 'date-time' },
    },
    ['id', 'from', 'mentions', 'at'],
  ),
});
