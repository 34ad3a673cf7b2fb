import { z } from 'zod';
import { broadcastBody } from './routes/broadcasts';
import { hazardBody, hazardsQuery, reopenBody } from './routes/hazards';
import { pointsQuery, rulesBody } from './routes/points';
import { acceptBody, rejectBody, tipsQuery } from './routes/tips';
import { letterBody } from './routes/letters-photos';
import { pageQuery, RESOURCES } from './routes/resources';
import { openBody, returnBody, submissionsQuery } from './routes/rounds';
import { createBody, patchBody } from './routes/schedules';
import { contactBody, messageBody, roomBody } from './routes/sim';
import { statsQuery } from './routes/stats';

type Params = { name: string; in: 'query' | 'path'; required?: boolean; schema: unknown }[];

/** Query parameters of an OpenAPI operation from the zod schema the route parses with. */
function queryParams(schema: z.ZodObject): Params {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}

/** A JSON request body from the zod schema the route parses with. */
const jsonBody = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } });
const idPath = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const ok = (description: string, status = 200) => ({ [status]: { description } });

const errorResponse = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };

/** The OpenAPI 3.1 description of `/api/v1`, built from the same schemas the routes validate with. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/healthz': { get: { summary: '运行状态 Health', security: [], responses: { 200: { description: '{ok, storage, puppet, loggedIn}' }, 503: { description: 'store not answering' } } } },
    '/api/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } } },
    '/api/v1/hazards': {
      get: { summary: '隐患列表 Hazards of a scope (status=overdue: past their deadline, not closed)', parameters: queryParams(hazardsQuery), responses: { 200: { description: '{items:[hazard & {overdue}], total}' }, ...errors } },
      post: { summary: '登记隐患 Open a hazard on a house (staff, admin); its landlord is told in the group', requestBody: jsonBody(hazardBody), responses: { 201: { description: 'the hazard, with its number' }, ...errors } },
    },
    '/api/v1/hazards/{id}/close': { post: { summary: '销号 Close a hazard (staff, admin)', parameters: idPath, responses: { 200: { description: 'the hazard' }, ...errors } } },
    '/api/v1/hazards/{id}/photos': {
      post: {
        summary: '现场照片 A photo staff took on site, before or after the fix (staff, admin)', parameters: idPath,
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { kind: { type: 'string', enum: ['before', 'after'] }, image: { type: 'string', format: 'binary' } }, required: ['kind', 'image'] } } } },
        responses: { 201: { description: 'the hazard, with its site photos' }, ...errors },
      },
    },
    '/api/v1/hazards/{id}/reopen': { post: { summary: '重新打开 Reopen a hazard with a reason (staff, admin)', parameters: idPath, requestBody: jsonBody(reopenBody), responses: { 200: { description: 'the hazard' }, ...errors } } },
    '/api/v1/points': { get: { summary: '积分排名 Landlords of a scope ranked by points in a year (ties share a rank)', parameters: queryParams(pointsQuery), responses: { 200: { description: '{year, items:[{landlordId, name, points, rank}], total}' }, ...errors } } },
    '/api/v1/points/rules': {
      get: { summary: '积分规则 The points each event earns (staff, admin)', responses: { 200: { description: '{reason: amount}' }, ...errors } },
      put: { summary: '修改积分规则 Change amounts; later awards use them (admin)', requestBody: jsonBody(rulesBody), responses: { 200: { description: 'the rules in force' }, ...errors } },
    },
    '/api/v1/tips': { get: { summary: '举报列表 Tips of a scope (the reporter is never shown) (staff, admin)', parameters: queryParams(tipsQuery), responses: { 200: { description: '{items, total}' }, ...errors } } },
    '/api/v1/tips/{id}/accept': { post: { summary: '受理举报 Accept a tip, optionally opening a hazard on its house; the reporter is told privately and earns points once (staff, admin)', parameters: idPath, requestBody: jsonBody(acceptBody), responses: { 200: { description: 'the tip, and the hazard opened' }, ...errors } } },
    '/api/v1/tips/{id}/reject': { post: { summary: '不予受理 Reject a tip with a reason; the reporter is told privately (staff, admin)', parameters: idPath, requestBody: jsonBody(rejectBody), responses: { 200: { description: 'the tip' }, ...errors } } },
    '/api/v1/bot': {
      get: { summary: '机器人状态与登录二维码 Bot status and, while it waits for a scan, the login QR payload (staff, admin)', responses: { 200: { description: '{loggedIn, puppet, account?, qr?}' }, ...errors } },
    },
    '/api/v1/stats': {
      get: {
        summary: '统计 Campaign figures for a scope and month',
        parameters: queryParams(statsQuery),
        responses: { 200: { description: '{houses, keyHouses, committed, submitted, approved, compliant, hazardsOpen, hazardsOverdue, rates}' }, ...errors },
      },
    },
    '/api/v1/import/roster': {
      post: {
        summary: '导入花名册 Import a roster (XLSX or CSV; Chinese or English headers)',
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } } },
        responses: {
          200: { description: '{created, updated, unchanged, errors: []}' },
          422: { description: 'Some rows are bad; nothing changed: {created: 0, updated: 0, errors: [{row, message}]}' },
          ...errors,
        },
      },
    },
  };
  paths['/api/v1/groups/{id}/bind-code'] = {
    post: { summary: '群绑定码 A single-use code for "绑定群 CODE" (7 days)', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 201: { description: '{code, expiresAt}' }, ...errors } },
  };
  paths['/api/v1/users/{id}/bind-code'] = {
    post: { summary: '工作人员绑定码 A single-use code for "绑定工作人员 CODE" (admins)', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 201: { description: '{code}' }, ...errors } },
  };
  Object.assign(paths, {
    '/api/v1/rounds': {
      get: { summary: '自查轮次 List rounds', parameters: queryParams(pageQuery), responses: { ...ok('{items, total}'), ...errors } },
      post: { summary: '开启自查 Open a round now (announced in the bound rooms of the scope)', requestBody: jsonBody(openBody), responses: { ...ok('the round, with `announced`', 201), 409: errorResponse, ...errors } },
    },
    '/api/v1/rounds/{id}/remind': { post: { summary: '催办 Remind every bound room of the round', parameters: idPath, responses: { ...ok('{reminded}'), ...errors } } },
    '/api/v1/submissions': { get: { summary: '自查提交 List submissions', parameters: queryParams(submissionsQuery), responses: { ...ok('{items, total}'), ...errors } } },
    '/api/v1/submissions/{id}/approve': { post: { summary: '通过 Approve a complete submission', parameters: idPath, responses: { ...ok('the submission'), 409: errorResponse, ...errors } } },
    '/api/v1/submissions/{id}/return': { post: { summary: '退回 Return a submission with a reason', parameters: idPath, requestBody: jsonBody(returnBody), responses: { ...ok('the submission'), ...errors } } },
    '/api/v1/letters': { post: { summary: '承诺书 Publish the next commitment letter version (announced)', requestBody: jsonBody(letterBody), responses: { ...ok('the letter, with `announced`', 201), ...errors } } },
    '/api/v1/photos/{id}': { get: { summary: '照片 The image itself; `?thumb=1` a 240 px JPEG preview', parameters: [...idPath, { name: 'thumb', in: 'query', required: false, schema: { type: 'string', enum: ['1'] } }], responses: { 200: { description: 'image/jpeg, image/png, image/webp or image/heic' }, ...errors } } },
    '/api/v1/broadcasts': {
      get: { summary: '群发 List broadcasts', parameters: queryParams(pageQuery), responses: { ...ok('{items, total}'), ...errors } },
      post: {
        summary: '群发 Broadcast to every bound room of a scope, now or at `at` (quiet hours hold scheduled posts to 08:00)',
        requestBody: { required: true, content: {
          'application/json': { schema: z.toJSONSchema(broadcastBody, { io: 'input', unrepresentable: 'any' }) },
          'multipart/form-data': { schema: { type: 'object', properties: { text: { type: 'string' }, scope: { type: 'string' }, at: { type: 'string', format: 'date-time' }, image: { type: 'string', format: 'binary' } }, required: ['text', 'scope'] } },
        } },
        responses: { ...ok('{id, rooms, at}', 201), ...errors },
      },
    },
    '/api/v1/broadcasts/{id}': { get: { summary: '送达状态 Status and per-room deliveries', parameters: idPath, responses: { ...ok('{status, deliveries:[{roomId, status, sentAt?, error?}]}'), ...errors } } },
    '/api/v1/schedules': {
      get: { summary: '排程 List schedules', responses: { ...ok('{items, total}'), ...errors } },
      post: { summary: '排程 Add a schedule', requestBody: jsonBody(createBody), responses: { ...ok('the schedule', 201), 409: errorResponse, ...errors } },
    },
    '/api/v1/schedules/{id}': { patch: { summary: '排程 Change or disable a schedule', parameters: idPath, requestBody: jsonBody(patchBody), responses: { ...ok('the schedule'), ...errors } } },
    '/api/v1/sim/contacts': { post: { summary: '模拟器（仅演示模式） Demo mode only: a WeChat contact', requestBody: jsonBody(contactBody), responses: { ...ok('{id}', 201), ...errors } } },
    '/api/v1/sim/rooms': { post: { summary: 'Demo mode only: a room with the bot in it', requestBody: jsonBody(roomBody), responses: { ...ok('{id}', 201), ...errors } } },
    '/api/v1/sim/messages': { post: { summary: 'Demo mode only: a contact says text or sends an image', requestBody: jsonBody(messageBody), responses: { ...ok('{id}', 202), ...errors } } },
    '/api/v1/sim/rooms/{id}/messages': { get: { summary: 'Demo mode only: a room transcript', parameters: idPath, responses: { ...ok('[{id, from, text?, image?, mentions, at}]'), ...errors } } },
    '/api/v1/sim/contacts/{id}/messages': { get: { summary: 'Demo mode only: a private chat transcript', parameters: idPath, responses: { ...ok('[{id, from, text?, image?, mentions, at}]'), ...errors } } },
  });
  for (const [name, def] of Object.entries(RESOURCES)) {
    paths[`/api/v1/${name}`] = {
      get: { summary: `List ${name}`, parameters: queryParams(pageQuery.extend(def.filters.shape as z.ZodRawShape)), responses: { 200: { description: '{items, total, limit, offset}' }, ...errors } },
    };
    paths[`/api/v1/${name}/{id}`] = {
      get: { summary: `Get one of ${name}`, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'the record' }, ...errors } },
    };
  }
  // 重点关注: the landlord list answers the watch list with watch=1
  const landlords = paths['/api/v1/landlords'] as { get: { summary: string; parameters: unknown[] } };
  landlords.get.summary += '; with watch=1, the watch list (重点关注: a hazard overdue 15+ days or two months without an approved inspection), each with watch.reasons (staff, admin)';
  landlords.get.parameters.push({ name: 'watch', in: 'query', required: false, schema: { type: 'string', enum: ['1'] } });
  return {
    openapi: '3.1.0',
    info: { title: '安心房东 AnXin Landlord API', version },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} }, required: ['code', 'message'] } },
          required: ['error'],
        },
      },
    },
    paths,
  };
}
