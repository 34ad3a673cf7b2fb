import { DomainError } from '../../domain/errors';

/** The driver's and mongoose's names for "the server cannot be reached now". */
const UNAVAILABLE = /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed|PoolCleared|ServerClosed)Error$/;

/** A socket that broke under the driver (it sometimes surfaces the raw error, e.g. `write EPIPE`). */
const SOCKET = ['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'];

/** Driver errors → the same domain errors the SQLite adapter gives (E11000 → conflict). */
export function translateMongoError(e: unknown, collection: string): unknown {
  const err = e as { code?: number | string; name?: string; message?: string; syscall?: string };
  if (err?.code === 11000 || err?.code === 11001) return new DomainError('conflict', `${collection}: duplicate key`, { collection });
  if (
    UNAVAILABLE.test(err?.name ?? '') ||
    (typeof err?.code === 'string' && SOCKET.includes(err.code)) ||
    /buffering timed out|connection .* closed|Client must be connected/i.test(err?.message ?? '')
  ) {
    return new DomainError('storage_unavailable', `${collection}: ${err.name}`, { collection });
  }
  return e;
}
