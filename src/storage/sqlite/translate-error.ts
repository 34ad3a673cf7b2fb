import { DomainError } from '../../domain/errors';

/** better-sqlite3's constraint errors become the same domain errors the Mongo adapter gives. */
export function translateSqliteError(e: unknown, collection: string): unknown {
  const code = (e as { code?: string })?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new DomainError('conflict', `${collection}: duplicate key`, { collection });
  }
  // extended codes too: SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED…
  if (code && /^SQLITE_(BUSY|CANTOPEN|FULL|IOERR|READONLY)/.test(code)) {
    // busy: another connection holds the write lock (a long roster import) — the disk itself is fine
    return new DomainError('storage_unavailable', `${collection}: ${code}`, { collection, ...(code === 'SQLITE_BUSY' ? { busy: 1 } : {}) });
  }
  return e;
}
