/**
 * The typed API client (issue 15): types generated from openapi.json at build time
 * (`npm run gen:client` → ./schema.d.ts, never edited by hand), calls made with openapi-fetch.
 * A route, parameter or body that drifts from the contract does not compile.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';

export function apiClient(baseUrl: string, o: { token?: string; lng?: 'zh-CN' | 'en'; fetch?: typeof fetch } = {}) {
  return createClient<paths>({
    baseUrl,
    headers: { ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}), 'Accept-Language': o.lng ?? 'zh-CN' },
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
}
export type ApiClient = ReturnType<typeof apiClient>;
