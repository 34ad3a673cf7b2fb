import { DomainError } from '../../domain/errors';

/** Driver errors → the same domain errors the SQLite adapter gives (E11000 → conflict). */
export function translateMongoError(e: unknown, collection: string): unknown {
  const err = e as { code?: number; name?: string; message?: string };
  if (err?.code === 11000 || err?.code === 11001) return new DomainError('conflict', `${collection}: duplicate key`, { collection });
  if (err?.name === 'MongoServerSelectionError' || err?.name === 'MongoNetworkError' || err?.name === 'MongoNotConnectedError') {
    return new DomainError('storage_unavailable', `${collection}: ${err.name}`, { collection });
  }
  return e;
}
