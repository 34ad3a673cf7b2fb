import { DomainError } from '../../domain/errors';

/** better-sqlite3's constraint errors become the same domain errors the Mongo adapter gives. */
export function translateSqliteError(e: unknown, collection: string): unknown {
  const code = (e as { code?: string })?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new DomainError('conflict', `${collection}: duplicate key`, { collection });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_FULL' || code === 'SQLITE_IOERR') {
    return new DomainError('storage_unavailable', `${collection}: ${code}`, { collection });
  }
  return e;
}
