import { z } from 'zod';
import { broadcastBody, reachQuery } from './routes/broadcasts';
import { hazardBody, hazardsQuery, reopenBody } from './routes/hazards';
import { pointsQuery, rulesBody } from './routes/points';
import { acceptBody, rejectBody, tipsQuery } from './routes/tips';
import { archiveQuery, houseSearchQuery } from './routes/houses';
import { letterBody } from './routes/letters';
import { EDITS, pageQuery, RESOURCES } from './routes/records';
import { auditQuery, userBody, userPatch } from './routes/users';
import { ownPasswordBody, setPasswordBody, signInBody } from './routes/session';
import { rolesFor, streetOnly } from '../domain/policy';
import { addExamples } from './openapi-examples';
import { RESPONSES, SCHEMAS } from './openapi-responses';
import { openApiPath, type RouteSpec } from './route-table';
import { approveSeveralBody, openBody, returnBody, reviewQueueQuery, submissionsQuery } from './routes/rounds';
import { createBody, patchBody, previewQuery } from './routes/schedules';
import { contactBody, limitBody, membersBody, messageBody, roomBody } from './routes/sim';
import { rankingQuery, registerExportQuery, registerQuery, reportQuery, statsQuery } from './routes/stats';

type Params = { name: string; in: 'query' | 'path'; required?: boolean; schema: unknown }[];

/** Query parameters of an OpenAPI operation from the zod schema the route parses with. */
function queryParams(schema: z.ZodObject): Params {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: s,
  }));
}

/** A JSON request body from the zod schema the route parses with. */
const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } },
});
const idPath = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const ok = (description: string, status = 200) => ({ [status]: { description } });

const errorResponse = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
/** an error answer with its own description (which codes, when) */
const errorAs = (description: string) => ({ ...errorResponse, description });
const binary = { type: 'string', format: 'binary' };
/** a roster file sent as a form's `file` (the import and its dry run) */
const rosterUpload = {
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        properties: { file: { type: 'string', format: 'binary', description: 'at most 50 MB' } },
        required: ['file'],
      },
    },
  },
};
/** what an uploaded image can be refused for */
const photoErrors = {
  413: errorAs('photo_too_large / payload_too_large: the image is over 20 MB; photo_too_many_pixels: over 40 megapixels'),
  415: errorAs('photo_unsupported: not a JPEG, PNG, WebP or HEIC image (a header alone, or bytes that do not decode, are not)'),
};

const ZH: Record<string, string> = { communities: '社区', grids: '网格', groups: '联防组', houses: '出租房', landlords: '房东' };
const VERBS = new Set(['approve', 'return', 'remind', 'accept', 'reject', 'close', 'reopen']);
const IRREGULAR: Record<string, string> = {
  stats: 'Stats',
  audit: 'Audit',
  sim: 'Sim',
  bot: 'Bot',
  import: 'Import',
  'monthly.xlsx': 'MonthlyReport',
  'bind-code': 'BindCode',
  healthz: 'Health',
  'openapi.json': 'OpenApi',
  rules: 'Rules',
  ranking: 'Ranking',
};
const pascal = (w: string) =>
  IRREGULAR[w] ??
  w
    .split(/[-.]/)
    .map((x) => x.charAt(0).toUpperCase() + x.slice(1))
    .join('');
const singular = (w: string) =>
  IRREGULAR[w] ? IRREGULAR[w] : pascal(w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.endsWith('s') ? w.slice(0, -1) : w);
/** where the rule would read oddly */
const NAMED: Record<string, string> = {
  'post /api/v1/import/roster': 'importRoster',
  'get /api/v1/import/roster/template': 'getRosterTemplate',
  'post /api/v1/import/roster/preview': 'previewRosterImport',
  'get /api/v1/reports/monthly.xlsx': 'getMonthlyReport',
  'get /api/v1/register': 'getRegister',
  'get /api/v1/register.xlsx': 'exportRegister',
  'get /api/v1/audit': 'listAudit',
  'get /api/v1/points/rules': 'getPointRules',
  'put /api/v1/points/rules': 'replacePointRules',
  'post /api/v1/hazards/{id}/photos': 'addHazardSitePhoto',
  'get /api/v1/stats/ranking': 'getRanking',
  'post /api/v1/session': 'signIn',
  'get /api/v1/session': 'getSession',
  'get /api/v1/schedules/preview': 'previewSchedule',
  'get /api/v1/broadcasts/preview': 'previewBroadcast',
  'delete /api/v1/session': 'signOut',
  'put /api/v1/me/password': 'changeOwnPassword',
  'put /api/v1/users/{id}/password': 'setUserPassword',
  'get /api/v1/houses/{id}/archive': 'getHouseArchive',
  'get /api/v1/house-search': 'searchHouses',
  'get /api/v1/houses/{id}/archive.pdf': 'getHouseArchivePdf',
  'get /api/v1/groups/{id}/archive.pdf': 'getGroupArchivePdf',
  'get /api/v1/groups/{id}/placards.pdf': 'getGroupPlacardsPdf',
  'post /api/v1/houses/{id}/placard/rotate': 'rotateHousePlacard',
  'get /api/v1/placards/{token}': 'getPlacard',
  'get /api/v1/review-queue': 'listReviewQueue',
  'post /api/v1/submissions/approve': 'approveSubmissions',
};

/**
 * An operation's id, named after what it does to what (listHouses, getHouse, approveSubmission,
 * createGroupBindCode), so client generators make the same names people read in the code.
 */
export function operationIdOf(method: string, path: string): string {
  if (NAMED[`${method} ${path}`]) return NAMED[`${method} ${path}`]!;
  const segs = path
    .replace(/^\/api\/v1\/?/, '/')
    .split('/')
    .filter(Boolean);
  const byId = segs.includes('{id}');
  const words = segs.filter((x) => x !== '{id}');
  const last = words.at(-1)!;
  if (method === 'post' && VERBS.has(last)) return `${last}${words.slice(0, -1).map(singular).join('')}`;
  const head = words
    .slice(0, -1)
    .map(byId ? singular : pascal)
    .join('');
  if (method === 'get')
    return byId && segs.at(-1) === '{id}'
      ? `get${head}${singular(last)}`
      : last === 'messages' || (!byId && !IRREGULAR[last] && words.length === 1)
        ? `list${head}${pascal(last)}`
        : `get${head}${pascal(last)}`;
  const noun = `${head}${segs.at(-1) === '{id}' || method === 'post' ? singular(last) : pascal(last)}`;
  return `${{ post: 'create', patch: 'update', put: 'replace', delete: 'delete' }[method] ?? method}${noun}`;
}

/** The OpenAPI 3.1 description of `/api/v1`, built from the same schemas the routes validate with. */
export function openApiDocument(version: string, routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/healthz': {
      get: {
        summary: '运行状态 Health',
        security: [],
        responses: {
          200: { description: '{ok, storage, puppet, loggedIn, demo}' },
          405: errorResponse,
          503: {
            description: 'the store does not answer, or cannot write (a full disk, a read-only volume) until a write succeeds again',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } },
          },
        },
      },
    },
    '/api/v1/openapi.json': {
      get: { summary: '接口说明 This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' }, 405: errorResponse } },
    },
    '/api/v1/hazards': {
      get: {
        summary: '隐患列表 Hazards of a scope (status=overdue: past their deadline, not closed)',
        parameters: queryParams(hazardsQuery),
        responses: { 200: { description: '{items:[hazard & {overdue}], total}' }, ...errors },
      },
      post: {
        summary: '登记隐患 Open a hazard on a house (staff, admin); its landlord is told in the group',
        requestBody: jsonBody(hazardBody),
        responses: { 201: { description: 'the hazard, with its number' }, ...errors },
      },
    },
    '/api/v1/hazards/{id}/close': {
      post: {
        summary: '销号 Close a hazard (staff, admin)',
        parameters: idPath,
        responses: { 200: { description: 'the hazard' }, ...errors },
      },
    },
    '/api/v1/hazards/{id}/photos': {
      post: {
        summary: '现场照片 A photo staff took on site, before or after the fix (staff, admin)',
        parameters: idPath,
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: { kind: { type: 'string', enum: ['before', 'after'] }, image: { type: 'string', format: 'binary' } },
                required: ['kind', 'image'],
              },
            },
          },
        },
        responses: { 201: { description: 'the hazard, with its site photos' }, ...errors, ...photoErrors },
      },
    },
    '/api/v1/hazards/{id}/reopen': {
      post: {
        summary: '重新打开 Reopen a hazard with a reason (staff, admin)',
        parameters: idPath,
        requestBody: jsonBody(reopenBody),
        responses: { 200: { description: 'the hazard' }, ...errors },
      },
    },
    '/api/v1/points': {
      get: {
        summary: '积分排名 Landlords of a scope ranked by points in a year (ties share a rank)',
        parameters: queryParams(pointsQuery),
        responses: {
          200: {
            description:
              '{year, items:[{landlordId, contactId, name, points, rank}], total}: one line per holder (a seller and a buyer apart)',
          },
          ...errors,
        },
      },
    },
    '/api/v1/points/rules': {
      get: {
        summary: '积分规则 The points each event earns (staff, admin)',
        responses: { 200: { description: '{reason: amount}' }, ...errors },
      },
      put: {
        summary: '修改积分规则 Change amounts; later awards use them (admin)',
        requestBody: jsonBody(rulesBody),
        responses: { 200: { description: 'the rules in force' }, ...errors },
      },
    },
    '/api/v1/tips': {
      get: {
        summary: '举报列表 Tips of a scope (the reporter is never shown) (staff, admin)',
        parameters: queryParams(tipsQuery),
        responses: { 200: { description: '{items, total}' }, ...errors },
      },
    },
    '/api/v1/tips/{id}/accept': {
      post: {
        summary:
          '受理举报 Accept a tip, optionally opening a hazard on its house; the reporter is told privately and earns points once (staff, admin)',
        parameters: idPath,
        requestBody: jsonBody(acceptBody),
        responses: { 200: { description: 'the tip, and the hazard opened' }, ...errors },
      },
    },
    '/api/v1/tips/{id}/reject': {
      post: {
        summary: '不予受理 Reject a tip with a reason; the reporter is told privately (staff, admin)',
        parameters: idPath,
        requestBody: jsonBody(rejectBody),
        responses: { 200: { description: 'the tip' }, ...errors },
      },
    },
    '/api/v1/house-search': {
      get: {
        summary: "房屋查找 Houses of a scope whose code or address holds every word of q (the register's search), codes in order",
        parameters: queryParams(houseSearchQuery),
        responses: { 200: { description: '{items:[{id, code, address, groupId}], total, limit, offset}' }, ...errors },
      },
    },
    '/api/v1/houses/{id}/archive': {
      get: {
        summary:
          "一户一档 A house's record: the house, its landlord (phone masked unless the caller may read phones), group and head, its timeline newest first (registrations and claims, commitments, rounds with photos and reviews, hazards, tips naming it — never the reporter —, points, staff edits), paged, and its plan (一户一方案: open hazards with deadline, measures and check; what the current round still lacks)",
        parameters: [...idPath, ...queryParams(archiveQuery)],
        responses: { 200: { description: '{house, landlord, group, head, timeline:{items, total, limit, offset}, plan}' }, ...errors },
      },
    },
    '/api/v1/houses/{id}/archive.pdf': {
      get: {
        summary: '一户一档（打印） The house record as an A4 PDF: facts, plan, history with photo thumbnails, Chinese font embedded',
        parameters: idPath,
        responses: { 200: { description: 'the PDF', content: { 'application/pdf': { schema: binary } } }, ...errors },
      },
    },
    '/api/v1/groups/{id}/archive.pdf': {
      get: {
        summary: '联防组档案（走访日） Every house record of a group in one A4 PDF, a house per page',
        parameters: idPath,
        responses: { 200: { description: 'the PDF', content: { 'application/pdf': { schema: binary } } }, ...errors },
      },
    },
    '/api/v1/groups/{id}/placards.pdf': {
      get: {
        summary:
          "一户一码钉牌 The group's placard sheet: A4, eight a page, each with the house code, street and number, and a QR code of the house's public report link (a token, never the house id) (staff, admin)",
        parameters: idPath,
        responses: { 200: { description: 'the PDF', content: { 'application/pdf': { schema: binary } } }, ...errors },
      },
    },
    '/api/v1/houses/{id}/placard/rotate': {
      post: {
        summary: '更换钉牌二维码 A new placard token for the house; the old QR code opens nothing from now on (staff, admin)',
        parameters: idPath,
        responses: { 201: { description: '{houseId, code, link}' }, ...errors },
      },
    },
    '/api/v1/placards/{token}': {
      get: {
        summary: "扫码查房 The house a scanned placard token belongs to, when it lies in the caller's scope (else 404)",
        parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: '{houseId, code}' }, ...errors },
      },
    },
    '/api/v1/bot': {
      get: {
        summary:
          "机器人状态、健康与登录二维码 Bot status, the account's health (issue 28) and, while it waits for a scan, the login QR payload (staff, admin)",
        responses: {
          200: {
            description:
              '{loggedIn, puppet, account?, qr?, health: {state: logged_out|limited|failing|backlog|ok, since, unavailableSince, lastSentAt, recentFailures, lastError, limitSignals, coolingUntil, backlog: {due, oldestDueAt}}, backlogs: [{account, due, oldestDueAt}], channels: {staffWebhook: {configured, kind}, sms: {provider, fallbackAfterMinutes, month?: {period, sent, costFen}}}}',
          },
          ...errors,
        },
      },
    },
    '/api/v1/stats': {
      get: {
        summary: '统计 Campaign figures for a scope and month',
        parameters: queryParams(statsQuery),
        responses: {
          200: { description: '{houses, keyHouses, committed, submitted, approved, compliant, hazardsOpen, hazardsOverdue, rates}' },
          ...errors,
        },
      },
    },
    '/api/v1/stats/ranking': {
      get: {
        summary: '排名 The groups (by=group) or grids (by=grid) of a scope, best first: compliance, then commitment and inspection rates',
        parameters: queryParams(rankingQuery),
        responses: {
          200: {
            description:
              '{scope, period, by, items:[{rank, id, name, houses, committed, submitted, approved, compliant, hazardsOpen, hazardsOverdue, rates}], total}',
          },
          ...errors,
        },
      },
    },
    '/api/v1/register': {
      get: {
        summary:
          '台账 The register: the houses of a scope in code order with landlord (phone masked unless the caller may read phones), community, grid and group by name, WeChat registration, group bound, and the month (committed, inspection, hazards, points); q searches a code start, a name, an address or phone digits; status filters; next is the after of the next page',
        parameters: queryParams(registerQuery),
        responses: { 200: { description: '{period, items:[…], next}' }, ...errors },
      },
    },
    '/api/v1/register.xlsx': {
      get: {
        summary: '台账导出 The register as filtered, as an Excel workbook',
        parameters: queryParams(registerExportQuery),
        responses: {
          200: {
            description: 'the workbook',
            content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: binary } },
          },
          ...errors,
        },
      },
    },
    '/api/v1/reports/monthly.xlsx': {
      get: {
        summary:
          '月报 The monthly report: a summary sheet (rates per community and grid, a total row) and a sheet per community with a row per house; format=csv gives the house rows as CSV. Phones are masked unless the caller may read them; a closed month (after the 21st) is frozen.',
        parameters: queryParams(reportQuery),
        responses: {
          200: {
            description: 'the workbook (or CSV)',
            content: {
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: binary },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          429: errorAs('report_busy: two reports are being written already; try again shortly'),
          ...errors,
        },
      },
    },
    '/api/v1/import/roster': {
      post: {
        summary:
          '导入花名册 Import a roster (XLSX or CSV; Chinese or English headers), all or nothing, in a worker thread (admin, street staff)',
        parameters: [
          {
            name: 'async',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['1'] },
            description: '1: answer 202 {id} at once; follow it at GET /imports/{id}',
          },
        ],
        requestBody: rosterUpload,
        responses: {
          200: {
            description:
              '{created, updated, unchanged, errors: [], warnings: [{row, message}]} — warnings: a head changes, a house moves group, a landlord is renamed, a group passes 15 houses',
          },
          202: {
            description: '?async=1: {id}',
            content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } },
          },
          ...errors,
          409: errorAs('import_running: another import is running'),
          413: errorAs(
            'payload_too_large (50 MB) or roster_limit: zip entries, inflated size (50× the upload, at most 200 MB), shared strings, rows (ROSTER_MAX_ROWS, default 2,000,000), columns (100), the length of a CSV row (200,300 characters), cell length (2,000) — the message names which',
          ),
          400: errorAs(
            'roster_headers, roster_duplicate_headers, roster_empty, roster_encoding (a CSV neither UTF-8 nor GB18030), roster_unreadable (a damaged or cut-short workbook), validation',
          ),
          415: errorAs('unsupported_media_type: not a CSV or an XLSX workbook'),
          422: {
            description:
              'Some rows are bad; nothing changed: {created: 0, updated: 0, errors: [{row, message}]}. Or import_timeout: the import passed IMPORT_TIME_LIMIT_SECONDS (default 600) and was stopped',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ImportRefused' } } },
          },
          503: errorAs('storage_unavailable: the store cannot write'),
        },
      },
    },
    '/api/v1/import/roster/template': {
      get: {
        summary:
          "导入模板 The roster template: a workbook with the usual headers (in the caller's language) and one example row (admin, street staff)",
        responses: {
          200: {
            description: 'the workbook',
            content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: binary } },
          },
          ...errors,
        },
      },
    },
    '/api/v1/import/roster/preview': {
      post: {
        summary:
          '导入预览 Dry run of a roster import: the same reading, checks and warnings, nothing changed — rows, houses it would add, the first rows as read, warnings, bad rows (admin, street staff)',
        requestBody: rosterUpload,
        responses: {
          200: { description: '{rows, created, first: [row], warnings: [{row, message}], bad, errors: [{row, message}]}' },
          ...errors,
          409: errorAs('import_running: an import is running'),
          413: errorAs('payload_too_large or roster_limit, as the import'),
          415: errorAs('unsupported_media_type: not a CSV or an XLSX workbook'),
        },
      },
    },
    '/api/v1/imports/{id}': {
      get: {
        summary: '导入进度 Progress of an import started with ?async=1 (admin, street staff)',
        parameters: idPath,
        responses: {
          200: { description: '{id, status: running|done|failed, phase: parse|check|apply, processed, total, result?, error?}' },
          ...errors,
        },
      },
      delete: {
        summary: '取消导入 Cancel a running import started with ?async=1 (admin, street staff; audited); answers once it has stopped',
        parameters: idPath,
        responses: {
          200: { description: "{id, status: 'failed', phase, processed, total, error: {code: 'import_cancelled'}}" },
          409: errorAs('import_finished: the import has finished already'),
          ...errors,
        },
      },
    },
  };
  paths['/api/v1/groups/{id}/bind-code'] = {
    post: {
      summary: '群绑定码 A single-use code for "绑定群 CODE" (7 days)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 201: { description: '{code, expiresAt}' }, ...errors },
    },
  };
  paths['/api/v1/users/{id}/bind-code'] = {
    post: {
      summary: '工作人员绑定码 A single-use code for "绑定工作人员 CODE" (admins; 7 days)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 201: { description: '{code, expiresAt}' }, ...errors },
    },
  };
  Object.assign(paths, {
    '/api/v1/rounds': {
      get: { summary: '自查轮次 List rounds', parameters: queryParams(pageQuery), responses: { ...ok('{items, total}'), ...errors } },
      post: {
        summary: '开启自查 Open a round now (announced in the bound rooms of the scope)',
        requestBody: jsonBody(openBody),
        responses: { ...ok('the round, with `announced`', 201), 409: errorResponse, ...errors },
      },
    },
    '/api/v1/rounds/{id}/remind': {
      post: { summary: '催办 Remind every bound room of the round', parameters: idPath, responses: { ...ok('{reminded}'), ...errors } },
    },
    '/api/v1/groups/{id}/remind': {
      post: {
        summary:
          '催办 Remind one bound group: its room is told who still owes what (the landlords @mentioned); at most once per cooldown (REMIND_COOLDOWN_MINUTES), else status cooling with when it was and when it may be again',
        parameters: idPath,
        responses: {
          ...ok('{status: sent|cooling, houses, last?, next?}'),
          409: errorAs('room_not_bound: the group has no bound room'),
          ...errors,
        },
      },
    },
    '/api/v1/submissions': {
      get: {
        summary: '自查提交 List submissions',
        parameters: queryParams(submissionsQuery),
        responses: { ...ok('{items, total}'), ...errors },
      },
    },
    '/api/v1/submissions/{id}/approve': {
      post: {
        summary: '通过 Approve a complete submission',
        parameters: idPath,
        responses: { ...ok('the submission'), 409: errorResponse, ...errors },
      },
    },
    '/api/v1/review-queue': {
      get: {
        summary:
          "待审核 The review queue: the complete sets of the caller's scope (or a place inside it), in id order, each with its house, address, group and photos labelled by item and time; next is the after of the next page",
        parameters: queryParams(reviewQueueQuery),
        responses: { ...ok('{items, limit, next}'), ...errors },
      },
    },
    '/api/v1/submissions/approve': {
      post: {
        summary:
          "批量通过 Approve several complete submissions of the caller's scope at once; each refused one is listed with why, the rest are approved",
        requestBody: jsonBody(approveSeveralBody),
        responses: { ...ok('{approved, refused:[{id, houseCode, code, message}]}'), ...errors },
      },
    },
    '/api/v1/submissions/{id}/return': {
      post: {
        summary: '退回 Return a submission with a reason; with item, that one item only (its photos are to be sent again)',
        parameters: idPath,
        requestBody: jsonBody(returnBody),
        responses: { ...ok('the submission'), ...errors },
      },
    },
    '/api/v1/letters': {
      get: {
        summary: '承诺书版本 The commitment letter versions, newest (the one in force) first (those who publish: admin, street staff)',
        parameters: queryParams(pageQuery),
        responses: { ...ok('{items, total}'), ...errors },
      },
      post: {
        summary: '承诺书 Publish the next commitment letter version (announced)',
        requestBody: jsonBody(letterBody),
        responses: { ...ok('the letter, with `announced`', 201), ...errors },
      },
    },
    '/api/v1/photos/{id}': {
      get: {
        summary: '照片 The image itself; `?thumb=1` a 240 px JPEG preview',
        parameters: [...idPath, { name: 'thumb', in: 'query', required: false, schema: { type: 'string', enum: ['1'] } }],
        responses: {
          200: {
            description: 'image/jpeg, image/png, image/webp or image/heic (a thumbnail is always JPEG)',
            content: Object.fromEntries(['image/jpeg', 'image/png', 'image/webp', 'image/heic'].map((m) => [m, { schema: binary }])),
          },
          ...errors,
        },
      },
    },
    '/api/v1/broadcasts': {
      get: { summary: '群发 List broadcasts', parameters: queryParams(pageQuery), responses: { ...ok('{items, total}'), ...errors } },
      post: {
        summary: '群发 Broadcast to every bound room of a scope, now or at `at` (quiet hours hold scheduled posts to 08:00)',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: z.toJSONSchema(broadcastBody, { io: 'input', unrepresentable: 'any' }) },
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: {
                  text: { type: 'string' },
                  scope: { type: 'string' },
                  at: { type: 'string', format: 'date-time' },
                  image: { type: 'string', format: 'binary' },
                },
                required: ['text', 'scope'],
              },
            },
          },
        },
        responses: { ...ok('{id, rooms, at}', 201), ...errors, ...photoErrors },
      },
    },
    '/api/v1/broadcasts/preview': {
      get: {
        summary:
          '群发预览 Before sending: the groups of a scope and how many are unbound (their rooms get nothing), the scope resolved and checked as the send does',
        parameters: queryParams(reachQuery),
        responses: { ...ok('{scope, groups, bound, unbound}'), ...errors },
      },
    },
    '/api/v1/broadcasts/{id}': {
      get: {
        summary: '送达状态 Status and per-room deliveries',
        parameters: idPath,
        responses: { ...ok('{status, deliveries:[{roomId, status, sentAt?, error?}]}'), ...errors },
      },
    },
    '/api/v1/schedules': {
      get: {
        summary: "排程 List schedules: those of the caller's place and the ones over it (`scope` narrows)",
        parameters: queryParams(pageQuery),
        responses: { ...ok('{items, total}'), ...errors },
      },
      post: {
        summary: '排程 Add a schedule',
        requestBody: jsonBody(createBody),
        responses: { ...ok('the schedule', 201), 409: errorResponse, ...errors },
      },
    },
    '/api/v1/schedules/preview': {
      get: {
        summary: "排程预览 The next three runs of a cron expression in the time zone (default: the street's), before saving it",
        parameters: queryParams(previewQuery),
        responses: { ...ok('{cron, timeZone, runs}'), ...errors },
      },
    },
    '/api/v1/schedules/{id}': {
      patch: {
        summary: '排程 Change or disable a schedule',
        parameters: idPath,
        requestBody: jsonBody(patchBody),
        responses: { ...ok('the schedule'), ...errors },
      },
    },
    '/api/v1/sim/contacts': {
      post: {
        summary: '模拟器（仅演示模式） Demo mode only: a WeChat contact',
        requestBody: jsonBody(contactBody),
        responses: { ...ok('{id}', 201), ...errors },
      },
    },
    '/api/v1/sim/rooms': {
      post: {
        summary: '模拟群（仅演示模式） Demo mode only: a room with the bot in it',
        requestBody: jsonBody(roomBody),
        responses: { ...ok('{id}', 201), ...errors },
      },
    },
    '/api/v1/sim/messages': {
      post: {
        summary:
          '模拟发言（仅演示模式） Demo mode only: a contact says text (or a quoted reply), sends an image, or another kind: voice, sticker, video, file, link, recall',
        requestBody: jsonBody(messageBody),
        responses: { ...ok('{id}', 202), ...errors },
      },
    },
    '/api/v1/sim/rooms/{id}/join': {
      post: {
        summary: '进群（仅演示模式） Demo mode only: contacts join a room (room-join)',
        parameters: idPath,
        requestBody: jsonBody(membersBody),
        responses: { ...ok('{id}', 202), ...errors },
      },
    },
    '/api/v1/sim/rooms/{id}/leave': {
      post: {
        summary: '退群（仅演示模式） Demo mode only: contacts leave a room (room-leave)',
        parameters: idPath,
        requestBody: jsonBody(membersBody),
        responses: { ...ok('{id}', 202), ...errors },
      },
    },
    '/api/v1/sim/bot/logout': {
      post: {
        summary: '模拟掉线（仅演示模式） Demo mode only: the bot account is logged out (issue 28: rehearse failover)',
        responses: { ...ok('{loggedIn: false}', 202), ...errors },
      },
    },
    '/api/v1/sim/bot/login': {
      post: {
        summary: '模拟重新登录（仅演示模式） Demo mode only: the bot account logs in again',
        responses: { ...ok('{loggedIn: true}', 202), ...errors },
      },
    },
    '/api/v1/sim/bot/limit': {
      post: {
        summary: '模拟限流（仅演示模式） Demo mode only: for this many minutes every send fails as WeChat\'s "too frequent" (0 ends it)',
        requestBody: jsonBody(limitBody),
        responses: { ...ok('{minutes}', 202), ...errors },
      },
    },
    '/api/v1/sim/rooms/{id}/messages': {
      get: {
        summary: '群聊记录（仅演示模式） Demo mode only: a room transcript',
        parameters: idPath,
        responses: { ...ok('[{id, from, text?, image?, kind?, mentions, at}]'), ...errors },
      },
    },
    '/api/v1/sim/contacts/{id}/messages': {
      get: {
        summary: '私聊记录（仅演示模式） Demo mode only: a private chat transcript',
        parameters: idPath,
        responses: { ...ok('[{id, from, text?, image?, mentions, at}]'), ...errors },
      },
    },
  });
  for (const [name, def] of Object.entries(RESOURCES)) {
    paths[`/api/v1/${name}`] = {
      get: {
        summary: `${ZH[name]}列表 List ${name}`,
        parameters: queryParams(pageQuery.extend(def.filters.shape as z.ZodRawShape)),
        responses: { 200: { description: '{items, total, limit, offset}' }, ...errors },
      },
    };
    paths[`/api/v1/${name}/{id}`] = {
      get: { summary: `${ZH[name]} One of ${name}`, parameters: idPath, responses: { 200: { description: 'the record' }, ...errors } },
      patch: {
        summary: `修改${ZH[name]} Edit one of ${name} (audited, before/after)${name === 'houses' ? '; a new groupId moves the house with its submissions, hazards and commitments' : ''}${name === 'groups' ? '; headHouseId changes the head' : ''}`,
        parameters: idPath,
        requestBody: jsonBody(EDITS[name as keyof typeof EDITS]),
        responses: { ...ok('the record'), 409: errorResponse, ...errors },
      },
      delete: {
        summary: `删除${ZH[name]} Remove one of ${name} once nothing hangs under it (audited)`,
        parameters: idPath,
        responses: { 204: { description: 'removed' }, 409: errorResponse, ...errors },
      },
    };
  }
  Object.assign(paths, {
    '/api/v1/users': {
      get: { summary: '用户 List users', parameters: queryParams(pageQuery), responses: { ...ok('{items, total}'), ...errors } },
      post: {
        summary: '新建用户 Create a user with a role and scope (ids or names: community:平山村); the token is shown once',
        requestBody: jsonBody(userBody),
        responses: { ...ok('the user and its token', 201), 422: errorResponse, ...errors },
      },
    },
    '/api/v1/users/{id}': {
      get: { summary: '用户 One user', parameters: idPath, responses: { ...ok('the user'), ...errors } },
      patch: {
        summary: '修改用户 Rename, change role or scope, switch off (active:false revokes tokens); the last admin stays',
        parameters: idPath,
        requestBody: jsonBody(userPatch),
        responses: { ...ok('the user'), 409: errorResponse, ...errors },
      },
      delete: {
        summary: '删除用户 Remove a user and revoke their tokens; the last admin cannot be removed',
        parameters: idPath,
        responses: { 204: { description: 'removed' }, 409: errorResponse, ...errors },
      },
    },
    '/api/v1/users/{id}/token': {
      post: {
        summary: '更换令牌 A new token for the user; earlier tokens stop working',
        parameters: idPath,
        responses: { ...ok('{id, token}', 201), ...errors },
      },
    },
    '/api/v1/me': {
      get: {
        summary:
          "当前用户 Who the token belongs to: name, role, scope, the scope's name, and the actions they may take somewhere in it (every role)",
        responses: { ...ok('{id, name, role, scope, scopeName, actions}'), ...errors },
      },
    },
    '/api/v1/session': {
      post: {
        summary:
          '登录 Sign in with a user name and password (the dashboard): sets the session cookie (httpOnly, SameSite=Strict, 12 hours); 5 failures of one name or 20 of one address in 15 minutes lock it for 15 minutes (429, Retry-After). With `Authorization: Bearer` and no body, the token is exchanged for a session',
        security: [],
        requestBody: { ...jsonBody(signInBody), required: false },
        responses: { ...ok('who signed in, as GET /me, and when the session ends', 201), 429: errorAs('signin_locked'), ...errors },
      },
      get: {
        summary: '登录状态 The session the browser holds: who (as GET /me), or 204 when there is none',
        security: [],
        responses: { ...ok('who is signed in, as GET /me'), 204: { description: 'no live session' }, 405: errorResponse },
      },
      delete: {
        summary: '退出登录 Sign out: the session cookie ends',
        responses: { 204: { description: 'signed out' }, ...errors },
      },
    },
    '/api/v1/me/password': {
      put: {
        summary: "修改密码 Change one's own password (the current one first); other sessions end",
        requestBody: jsonBody(ownPasswordBody),
        responses: { 204: { description: 'changed' }, ...errors },
      },
    },
    '/api/v1/users/{id}/password': {
      put: {
        summary: "设置密码 Set a user's user name and first password (or reset it): they are asked to change it; their sessions end",
        parameters: idPath,
        requestBody: jsonBody(setPasswordBody),
        responses: { ...ok('{username}'), 409: errorAs('username_taken'), ...errors },
      },
    },
    '/api/v1/audit': {
      get: {
        summary:
          "操作日志 Audit log of a scope, newest first: who changed or read what, when, before/after; filtered by actor (as recorded, or a user's name), action and time (a day is the street's day); each with the actor's name",
        parameters: queryParams(auditQuery),
        responses: { ...ok('{items, total}'), ...errors },
      },
    },
  });
  // each operation the router serves says which action it needs and which roles hold it
  for (const r of routes) {
    const op = (paths[openApiPath('', r.path)] as Record<string, Record<string, unknown>> | undefined)?.[r.method];
    if (!op) throw new Error(`openapi.json does not describe ${r.method.toUpperCase()} ${r.path}`);
    const roles = rolesFor(r.action);
    op['x-action'] = r.action;
    op['x-roles'] = roles;
    op.description = `权限 Permission: \`${r.action}\` — ${roles.join(', ')}${streetOnly(r.action) ? ' (street-wide scope)' : ' (within their scope)'}`;
  }
  // 重点关注: the landlord list answers the watch list with watch=1
  const landlords = paths['/api/v1/landlords'] as { get: { summary: string; parameters: unknown[] } };
  landlords.get.summary +=
    '; with watch=1, the watch list (重点关注: a hazard overdue 15+ days or two months without an approved inspection), each with watch.reasons (staff, admin)';
  landlords.get.parameters.push({ name: 'watch', in: 'query', required: false, schema: { type: 'string', enum: ['1'] } });
  // what each operation answers on success, as a schema (the contract test validates real answers against it)
  for (const [key, schema] of Object.entries(RESPONSES)) {
    const [m, p] = key.split(' ') as [string, string];
    const op = (paths[p] as Record<string, { responses: Record<string, Record<string, unknown>> }> | undefined)?.[m];
    if (!op) throw new Error(`openapi.json: a response schema for an undocumented operation ${key}`);
    const status = Object.keys(op.responses).find((c) => c.startsWith('2'))!;
    op.responses[status] = { ...op.responses[status], content: { 'application/json': { schema } } };
  }
  // request and answer examples of the main operations, from the demo street
  addExamples(paths);
  // every operation has an id (client generators name their functions after it)
  for (const [p, ops] of Object.entries(paths)) {
    for (const [m, op] of Object.entries(ops as Record<string, Record<string, unknown>>)) op.operationId ??= operationIdOf(m, p);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '安心房东 AnXin Landlord API',
      version,
      description:
        "出租房消防安全群机器人的接口：花名册、自查、隐患、举报、积分、群发、统计与月报。每个操作的 `x-roles` 说明哪些角色可用。 The API of the rental-housing fire-safety bot; each operation's `x-roles` says who may call it.",
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: '本服务 This server' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'afd_session', description: 'the dashboard: POST /api/v1/session' },
      },
      schemas: {
        ...SCHEMAS,
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
              required: ['code', 'message'],
            },
          },
          required: ['error'],
        },
      },
    },
    paths,
  };
}
