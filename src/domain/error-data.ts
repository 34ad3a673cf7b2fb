import { DomainError, type ErrorCode } from './errors';

/** An error as plain data, to cross a thread boundary (a worker's postMessage). */
export interface ErrorData {
  name: string;
  code?: string;
  message: string;
  params?: Record<string, string | number>;
  details?: unknown;
}

/** A DomainError keeps its code, params and details; any other error its message and its code (a driver's). */
export function errorToData(e: unknown): ErrorData {
  if (e instanceof DomainError) return { name: 'DomainError', code: e.code, message: e.message, params: e.params, details: e.details };
  const err = e as { code?: unknown; message?: string };
  return { name: 'Error', code: typeof err?.code === 'string' ? err.code : undefined, message: String(err?.message ?? e) };
}

/** The error `errorToData` described, made again on this side. */
export function errorFromData(m: ErrorData): Error {
  if (m.name === 'DomainError') return new DomainError(m.code as ErrorCode, m.message, m.params, m.details);
  return Object.assign(new Error(m.message), m.code ? { code: m.code } : {});
}
