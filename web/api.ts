import { ref } from 'vue';
import { lng } from './i18n';

/** The API token lives in sessionStorage only: closing the tab signs out. */
export const token = ref(sessionStorage.getItem('token') ?? '');

/** Who is signed in (`GET /me`): the pages offered and the scope shown follow it. */
export interface Me { id: string; name: string; role: 'admin' | 'staff' | 'head'; scope: string; scopeName: string | null }
export const me = ref<Me | null>(null);

export class ApiError extends Error { constructor(public status: number, public code: string, message: string) { super(message); } }

const headers = () => ({ Authorization: `Bearer ${token.value}`, 'Accept-Language': lng.value });

/** One call to the public API; errors come back as `ApiError` with the API's code and message (in the page's language). */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const form = body instanceof FormData;
  const r = await fetch(`/api/v1${path}`, {
    method,
    headers: { ...headers(), ...(body !== undefined && !form ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : form ? body : JSON.stringify(body),
  });
  const data = r.headers.get('content-type')?.includes('json') ? await r.json() : null;
  if (!r.ok && r.status !== 422) throw new ApiError(r.status, data?.error?.code ?? 'http', data?.error?.message ?? r.statusText);
  return data as T;
}

/** Signs in: the token is kept only when `GET /me` accepts it. */
export async function signIn(tk: string): Promise<void> {
  const r = await fetch('/api/v1/me', { headers: { Authorization: `Bearer ${tk}`, 'Accept-Language': lng.value } });
  const data = r.headers.get('content-type')?.includes('json') ? await r.json() : null;
  if (!r.ok) throw new ApiError(r.status, data?.error?.code ?? 'http', data?.error?.message ?? r.statusText);
  me.value = data as Me;
  token.value = tk;
  sessionStorage.setItem('token', tk);
}
export function signOut() { token.value = ''; me.value = null; sessionStorage.removeItem('token'); }
/** A page reloaded with a kept token: who it belongs to (a revoked token signs out). */
export async function restore(): Promise<void> {
  if (!token.value || me.value) return;
  await signIn(token.value).catch(() => signOut());
}

/** A photo as an object URL (the image endpoint needs the token, so no plain <img src>). */
export async function photoUrl(id: string, thumb: boolean): Promise<string> {
  const r = await fetch(`/api/v1/photos/${id}${thumb ? '?thumb=1' : ''}`, { headers: headers() });
  return URL.createObjectURL(await r.blob());
}

/** Downloads a file the API streams (it needs the token, so no plain link): saved under the server's file name. */
export async function download(path: string): Promise<void> {
  const r = await fetch(`/api/v1${path}`, { headers: headers() });
  if (!r.ok) {
    const data = r.headers.get('content-type')?.includes('json') ? await r.json() : null;
    throw new ApiError(r.status, data?.error?.code ?? 'http', data?.error?.message ?? r.statusText);
  }
  const name = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  const url = URL.createObjectURL(await r.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The names of the caller's places, to show and pick scopes by name (ids stay in the requests). */
export interface Place { value: string; label: string; level: 'community' | 'grid' | 'group'; name: string }
export async function loadPlaces(levels: readonly Place['level'][] = ['community', 'grid', 'group']): Promise<Place[]> {
  const path = { community: 'communities', grid: 'grids', group: 'groups' } as const;
  const lists = await Promise.all(levels.map((l) => api<{ items: { id: string; name: string }[] }>('GET', `/${path[l]}?limit=1000&total=0`)));
  return levels.flatMap((l, i) => lists[i]!.items.map((x) => ({ value: `${l}:${x.id}`, level: l, name: x.name, label: x.name })));
}
