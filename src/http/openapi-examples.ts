import { demoRoster } from '../services/setup/seed-demo';

/**
 * Request and response examples of the main operations, taken from the demo street (the
 * same deterministic roster demo mode seeds: PD0001 in 平山村 …). Ids are shown as they look
 * (20 characters, sorting by time); the figures are those of the freshly seeded street.
 * Redocly's `no-invalid-media-type-examples` checks each one against its schema in npm test.
 */
type Json = Record<string, unknown>;
export interface OperationExamples {
  request?: unknown;
  /** by status */
  responses?: Record<string, unknown>;
}

const rows = demoRoster();
const first = rows[0]!;
const at = '2026-11-01T01:00:00.000Z';
const later = '2026-12-01T02:30:00.000Z';
const id = (n: number) => `mh2k3v0000${String(n).padStart(3, '0')}a1b2c3d`.slice(0, 20);
const ids = {
  community: id(1),
  grid: id(2),
  group: id(3),
  landlord: id(4),
  house: id(5),
  round: id(6),
  hazard: id(7),
  user: id(8),
  broadcast: id(9),
};
const stamps = { createdAt: at, updatedAt: at };
const placed = { communityId: ids.community, gridId: ids.grid, groupId: ids.group };

const community = { id: ids.community, ...stamps, name: first.community };
const house = {
  id: ids.house,
  ...stamps,
  code: first.houseCode,
  address: first.address,
  ...placed,
  landlordId: ids.landlord,
  contactId: null,
  pendingContactId: null,
  holderLeftAt: null,
  tenants: first.tenants,
  rooms: first.rooms,
  isKey: first.isKey,
};
const hazard = {
  id: ids.hazard,
  createdAt: later,
  updatedAt: later,
  ...placed,
  number: 1,
  houseId: ids.house,
  houseCode: first.houseCode,
  description: '楼道堆放杂物，堵塞疏散通道',
  deadline: '2026-12-04T15:59:59.999Z',
  status: 'open',
  openedBy: `user:${ids.user}`,
  evidencePhotoIds: [],
  sitePhotos: null,
  rectifiedAt: null,
  closedAt: null,
  closedBy: null,
  overdue: false,
};
const count = (where: (r: (typeof rows)[number]) => boolean) => rows.filter(where).length;
const zeros = { committed: 0, submitted: 0, approved: 0, compliant: 0, hazardsOpen: 0, hazardsOverdue: 0 };
const noRates = { commitment: 0, inspection: 0, compliance: 0 };
const validation = (message: string, details: { field: string; label: string; message: string; path: string }[]) => ({
  error: { code: 'validation', message, details },
});

/** By `method path` (OpenAPI spelling). */
export const EXAMPLES: Record<string, OperationExamples> = {
  'get /api/v1/communities': { responses: { 200: { items: [community], total: 3, limit: 50, offset: 0, next: null } } },
  'get /api/v1/houses': { responses: { 200: { items: [house], total: rows.length, limit: 1, offset: 0, next: ids.house } } },
  'get /api/v1/houses/{id}': { responses: { 200: house } },
  'patch /api/v1/houses/{id}': {
    request: { address: `${first.community}东港路26号` },
    responses: { 200: { ...house, address: `${first.community}东港路26号`, updatedAt: later } },
  },
  'get /api/v1/stats': {
    responses: {
      200: {
        scope: `community:${ids.community}`,
        period: '2026-11',
        letterVersion: 1,
        houses: count((r) => r.community === first.community),
        keyHouses: count((r) => r.community === first.community && r.isKey),
        ...zeros,
        rates: noRates,
      },
    },
  },
  'get /api/v1/stats/ranking': {
    responses: {
      200: {
        scope: 'street',
        period: '2026-11',
        by: 'grid',
        total: 6,
        items: [
          {
            rank: 1,
            id: ids.grid,
            name: first.grid,
            houses: count((r) => r.grid === first.grid),
            keyHouses: count((r) => r.grid === first.grid && r.isKey),
            ...zeros,
            rates: noRates,
          },
        ],
      },
    },
  },
  'post /api/v1/hazards': {
    request: { houseCode: first.houseCode, description: '楼道堆放杂物，堵塞疏散通道', days: 3 },
    responses: {
      201: hazard,
      // what the app answers {houseCode: '', description: '', days: -1} (the contract test sends it)
      400: validation('参数有误：房屋编号至少 2 个字符；描述至少 1 个字符；天数不能小于 1', [
        { field: 'houseCode', label: '房屋编号', message: '房屋编号至少 2 个字符', path: 'houseCode' },
        { field: 'description', label: '描述', message: '描述至少 1 个字符', path: 'description' },
        { field: 'days', label: '天数', message: '天数不能小于 1', path: 'days' },
      ]),
    },
  },
  'post /api/v1/rounds': {
    request: { period: '2026-12', deadline: '2026-12-20', scope: `community:${first.community}` },
    responses: {
      201: {
        id: ids.round,
        ...stamps,
        period: '2026-12',
        deadline: '2026-12-20T15:59:59.999Z',
        scope: `community:${ids.community}`,
        status: 'open',
        openedAt: at,
        announced: 4,
      },
    },
  },
  'post /api/v1/broadcasts': {
    request: { text: '今晚 8 点起检查电动车充电，请勿在楼道、门厅充电。', scope: `group:${first.group}` },
    responses: { 201: { id: ids.broadcast, rooms: 1, at } },
  },
  'post /api/v1/users': {
    request: { name: `${first.community}网格员`, role: 'staff', scope: `community:${first.community}` },
    responses: {
      201: {
        id: ids.user,
        ...stamps,
        name: `${first.community}网格员`,
        role: 'staff',
        scope: `community:${ids.community}`,
        contactId: null,
        active: true,
        token: 'ax_3q6nR0bVf1cW8yK2mZ5tLh9pQe4uJs7d',
      },
    },
  },
  'post /api/v1/import/roster': {
    responses: {
      200: { created: rows.length, updated: 0, unchanged: 0, errors: [], warnings: [] },
      // a roster whose one row has the phone 12345 (the contract test sends it)
      422: {
        created: 0,
        updated: 0,
        errors: [{ row: 2, message: '联系电话不是有效的手机或固话号码 / phone is not a valid mobile or landline number' }],
        error: { code: 'roster_rows', message: '花名册有 1 行有误，整份文件未导入' },
      },
    },
  },
};

/** Puts the examples into the operations of `paths` (JSON request bodies and answers). */
export function addExamples(paths: Record<string, unknown>): void {
  const demo = (value: unknown) => ({ demo: { summary: '演示街道 Demo street', value } });
  for (const [key, ex] of Object.entries(EXAMPLES)) {
    const [m, p] = key.split(' ') as [string, string];
    const op = (paths[p] as Record<string, Json> | undefined)?.[m] as
      { requestBody?: { content: Record<string, Json> }; responses: Record<string, { content?: Record<string, Json> }> } | undefined;
    if (!op) throw new Error(`openapi.json: examples for an undocumented operation ${key}`);
    if (ex.request !== undefined) {
      const media = op.requestBody?.content['application/json'];
      if (!media) throw new Error(`openapi.json: ${key} takes no JSON body to give an example of`);
      media.examples = demo(ex.request);
    }
    for (const [status, value] of Object.entries(ex.responses ?? {})) {
      const media = op.responses[status]?.content?.['application/json'];
      if (!media) throw new Error(`openapi.json: ${key} declares no JSON answer ${status} to give an example of`);
      op.responses[status] = { ...op.responses[status], content: { 'application/json': { ...media, examples: demo(value) } } };
    }
  }
}
