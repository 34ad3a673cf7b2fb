import { z } from 'zod';
import { pageQuery, RESOURCES } from './routes/resources';
import { statsQuery } from './routes/stats';

type Params = { name: string; in: 'query' | 'path'; required?: boolean; schema: unknown }[];

/** Query parameters of an OpenAPI operation from the zod schema the route parses with. */
function queryParams(schema: z.ZodObject): Params {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}

const errorResponse = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };

/** The OpenAPI 3.1 description of `/api/v1`, built from the same schemas the routes validate with. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/healthz': { get: { summary: '运行状态 Health', security: [], responses: { 200: { description: '{ok, storage, puppet, loggedIn}' }, 503: { description: 'store not answering' } } } },
    '/api/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } } },
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
  for (const [name, def] of Object.entries(RESOURCES)) {
    paths[`/api/v1/${name}`] = {
      get: { summary: `List ${name}`, parameters: queryParams(pageQuery.extend(def.filters.shape as z.ZodRawShape)), responses: { 200: { description: '{items, total, limit, offset}' }, ...errors } },
    };
    paths[`/api/v1/${name}/{id}`] = {
      get: { summary: `Get one of ${name}`, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'the record' }, ...errors } },
    };
  }
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
