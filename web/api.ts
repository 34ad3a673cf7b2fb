import createClient from 'openapi-fetch';
import { ref } from 'vue';
// the contract's generated types (npm run gen:client); src/api-client/index.ts builds its client the same way, for Node
import type { components, paths } from '../src/api-client/schema';
import { lng } from './i18n';

/** The records and shapes the API answers with, as its contract (openapi.json) declares them. */
export type Schemas = components['schemas'];
export type { paths };
/** A permission of the API's one policy (src/domain/policy.ts). */
export type Action = Schemas['Action'];

/**
 * Signed in by the session cookie (httpOnly: the page never sees it; issue 26). `checked`: the
 * page has asked `GET /me` once whether a session is already there (a reload, a new tab).
 */
export const checked = ref(false);

/** Who is signed in and what they may do (`GET /me`): the pages, buttons and scope shown follow it. */
export type Me = paths['/api/v1/me']['get']['responses'][200]['content']['application/json'];
export const me = ref<Me | null>(null);

/** Whether the signed-in caller may take an action somewhere in their scope, as the API's policy says through `/me`. */
export const may = (action: Action): boolean => me.value?.actions.includes(action) ?? false;

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

/**
 * The typed client (src/api-client, generated from openapi.json): a path, parameter or body that
 * drifts from the contract does not compile. Requests carry the session cookie (same origin) and
 * the page's language, which the API's messages follow. A session that ended (expired, signed out
 * elsewhere, password changed) shows the sign-in form again.
 */
export const api = createClient<paths>({ baseUrl: location.origin });
api.use({
  onRequest({ request }) {
    request.headers.set('Accept-Language', lng.value);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/api/v1/session')) me.value = null;
    return response;
  },
});

const isErrorBody = (body: unknown): body is { error: { code?: unknown; message?: unknown } } =>
  typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' && body.error !== null;

/** An answer that is not a success, as `ApiError` with the API's code and message (in the page's language). */
export function errorOf(response: Response, body: unknown): ApiError {
  const e = isErrorBody(body) ? body.error : {};
  const code = 'code' in e && typeof e.code === 'string' ? e.code : 'http';
  const message = 'message' in e && typeof e.message === 'string' ? e.message : response.statusText;
  return new ApiError(response.status, code, message);
}

/**
 * The data of a successful call; any other answer is thrown as `ApiError`. A caller that
 * expects an error status to mean something reads `{ data, error, response }` itself.
 */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorOf(response, error);
  return data as T;
}

/** Signs in with a user name and password: the API sets the session cookie. */
export async function signIn(username: string, password: string): Promise<void> {
  me.value = await ok(api.POST('/api/v1/session', { body: { username, password } }));
  viaToken.value = false;
  sessionStorage.removeItem('via');
}
/** signed in with a token in this tab (scripts' credential, an admin's way in): a password an admin set is not asked about then */
export const viaToken = ref(sessionStorage.getItem('via') === 'token');
/** Signs in with an API token, exchanged for a session at once (the page keeps no token). */
export async function signInWithToken(tk: string): Promise<void> {
  me.value = await ok(api.POST('/api/v1/session', { headers: { Authorization: `Bearer ${tk}` } }));
  viaToken.value = true;
  sessionStorage.setItem('via', 'token');
}
export async function signOut(): Promise<void> {
  await api.DELETE('/api/v1/session').catch(() => undefined);
  me.value = null;
}
/** A page loaded with a live session cookie: who it belongs to. */
export async function restore(): Promise<void> {
  try {
    // 204 when there is no session (a 401 would be logged by the browser as an error)
    const { data, response } = await api.GET('/api/v1/session');
    if (response.status === 200 && data) me.value = data;
  } finally {
    checked.value = true;
  }
}

/** Whether the app runs in demo mode (the simulator is offered there only). */
export async function demoMode(): Promise<boolean> {
  return (await ok(api.GET('/healthz'))).demo;
}

/** A photo as an object URL (fetched through the client, as every call is). */
export async function photoUrl(id: string, thumb: boolean): Promise<string> {
  const blob = await ok(api.GET('/api/v1/photos/{id}', { params: { path: { id }, query: thumb ? { thumb: '1' } : {} }, parseAs: 'blob' }));
  return URL.createObjectURL(blob);
}

/** Saves a file the API streams under the name the server gives it. */
export function save(blob: Blob, response: Response): void {
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The names of the caller's places, to show and pick scopes by name (ids stay in the requests). */
export interface Place { value: string; label: string; level: 'community' | 'grid' | 'group'; name: string }
export async function loadPlaces(levels: readonly Place['level'][] = ['community', 'grid', 'group']): Promise<Place[]> {
  const query = { limit: 1000, total: '0' } as const;
  const list = (level: Place['level']) => {
    if (level === 'community') return ok(api.GET('/api/v1/communities', { params: { query } }));
    if (level === 'grid') return ok(api.GET('/api/v1/grids', { params: { query } }));
    return ok(api.GET('/api/v1/groups', { params: { query } }));
  };
  const lists = await Promise.all(levels.map(list));
  return levels.flatMap((level, i) => lists[i]!.items.map((x) => ({ value: `${level}:${x.id}`, level, name: x.name, label: x.name })));
}
