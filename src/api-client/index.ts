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

/** A file part of a multipart body. */
export interface FilePart {
  bytes: Uint8Array;
  name: string;
  type?: string;
}

/**
 * A multipart/form-data body for an operation that takes one (roster import, a broadcast's
 * image, a hazard's site photo): pass it as `bodySerializer`. The typed body's text fields
 * become form fields; `files` replace the binary fields (which the contract types as strings).
 */
export function multipart(files: Record<string, FilePart>): (body: Record<string, unknown>) => FormData {
  return (body) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(body ?? {})) if (v !== undefined && !(k in files)) form.append(k, String(v));
    for (const [k, f] of Object.entries(files)) form.append(k, new Blob([f.bytes], { type: f.type ?? 'application/octet-stream' }), f.name);
    return form;
  };
}
