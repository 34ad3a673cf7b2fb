/** Whether it is only a lock held by another connection for now: answered 503, but the store is not broken. */
export const isStorageBusy = (e: unknown): boolean =>
  (e as { code?: unknown })?.code === 'SQLITE_BUSY' || Boolean((e as { params?: { busy?: unknown } })?.params?.busy);

/**
 * Whether an error says the store cannot write (a full disk, a read-only or failing volume),
 * as opposed to a bad request or a bug. Driver codes of both adapters and the file system.
 */
export function isStorageFailure(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? '');
  if (code === 'storage_unavailable') return true;
  if (code === 'SQLITE_BUSY') return true;
  if (['ENOSPC', 'EROFS', 'EIO', 'EDQUOT', 'EACCES', 'EPERM'].includes(code) && typeof (e as { syscall?: unknown }).syscall === 'string')
    return true;
  if (/^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB)/.test(code)) return true;
  return code === 'ENOSPC' || code === 'EROFS';
}
