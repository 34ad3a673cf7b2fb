import { ref } from 'vue';

/** The API token lives in sessionStorage only: closing the tab signs out. */
export const token = ref(sessionStorage.getItem('token') ?? '');
export function signIn(tk: string) { token.value = tk; sessionStorage.setItem('token', tk); }
export function signOut() { token.value = ''; sessionStorage.removeItem('token'); }

export class ApiError extends Error { constructor(public status: number, public code: string, message: string) { super(message); } }

/** One call to the public API; errors come back as `ApiError` with the API's code and message. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const form = body instanceof FormData;
  const r = await fetch(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token.value}`, ...(body !== undefined && !form ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : form ? body : JSON.stringify(body),
  });
  const data = r.headers.get('content-type')?.includes('json') ? await r.json() : null;
  if (!r.ok && r.status !== 422) throw new ApiError(r.status, data?.error?.code ?? 'http', data?.error?.message ?? r.statusText);
  return data as T;
}

/** A photo as an object URL (the image endpoint needs the token, so no plain <img src>). */
export async function photoUrl(id: string, thumb: boolean): Promise<string> {
  const r = await fetch(`/api/v1/photos/${id}${thumb ? '?thumb=1' : ''}`, { headers: { Authorization: `Bearer ${token.value}` } });
  return URL.createObjectURL(await r.blob());
}
