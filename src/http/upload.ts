import multer from '@koa/multer';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, mkdirSync, rm } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { Middleware } from 'koa';
import { DomainError } from '../domain/errors';
import type { AppState } from './context';

/** "50 MB", "20 MB", "512 KB": what a person reads in a size-limit message. */
export const formatBytes = (n: number): string =>
  n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KB` : `${n} B`;

export interface UploadOptions {
  /** the multipart field carrying the one file */
  field: string;
  maxBytes: number;
  /** how many plain text fields may come with it */
  fields: number;
  /** spool the file to this folder (removed by multer when the upload fails) instead of memory */
  dir?: string;
}

/**
 * multer's disk storage, but the spool is the owner's alone (issue 30): the folder made (or
 * narrowed to) 0700 and each file created 0600 — an upload is a roster of names and phones.
 */
export function ownerOnlyDisk(dir: string): multer.StorageEngine {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return {
    _handleFile(_req, file, cb) {
      const stream = (file as unknown as { stream: NodeJS.ReadableStream & { destroyed?: boolean } }).stream; // (the File type leaves it out)
      if (stream.destroyed) return cb(new Error('upload stream destroyed'));
      const filename = `${Date.now()}-${randomBytes(8).toString('hex')}.upload`;
      const at = path.join(dir, filename);
      const out = createWriteStream(at, { mode: 0o600, flags: 'wx' });
      file.path = at; // (set first: a failed upload's part is removed by multer through _removeFile)
      pipeline(stream, out, (e) => (e ? cb(e) : cb(null, { destination: dir, filename, path: at, size: out.bytesWritten } as multer.File)));
    },
    _removeFile(_req, file, cb) {
      rm(file.path, { force: true }, (e) => cb(e as Error));
    },
  };
}

/**
 * One file in one multipart field. Every way an upload goes wrong — too big, two files,
 * the wrong field, a truncated body, no boundary — is a 4xx that says which, never a 500:
 * multer and busboy errors are translated here, where the limits are known.
 */
export function singleUpload(o: UploadOptions): Middleware<AppState> {
  const storage = o.dir ? ownerOnlyDisk(o.dir) : multer.memoryStorage();
  const mw = multer({
    storage,
    limits: { fileSize: o.maxBytes, files: 1, fields: o.fields, parts: o.fields + 1, fieldSize: 64 * 1024 },
  }).single(o.field);
  return async (ctx, next) => {
    let passed = false;
    try {
      await mw(ctx as never, async () => {
        passed = true;
      });
    } catch (e) {
      throw uploadError(e, o);
    }
    if (passed) await next();
  };
}

/**
 * Up to `maxFiles` files in one multipart field, in memory (a public form's photos): the same
 * translation of every upload error to a 4xx as `singleUpload`, with "at most N" for too many.
 */
export function photosUpload(o: UploadOptions & { maxFiles: number; fieldSize: number }): Middleware<AppState> {
  const mw = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: o.maxBytes, files: o.maxFiles, fields: o.fields, parts: o.fields + o.maxFiles, fieldSize: o.fieldSize },
  }).array(o.field, o.maxFiles);
  return async (ctx, next) => {
    let passed = false;
    try {
      await mw(ctx as never, async () => {
        passed = true;
      });
    } catch (e) {
      throw uploadError(e, o);
    }
    if (passed) await next();
  };
}

/** The files `photosUpload` took, in the order they came. */
export const uploadedFiles = (ctx: object): Buffer[] => ((ctx as { files?: { buffer: Buffer }[] }).files ?? []).map((f) => f.buffer);

function uploadError(e: unknown, o: UploadOptions & { maxFiles?: number; fieldSize?: number }): unknown {
  const code = (e as { code?: string }).code;
  const got = (e as { field?: string }).field;
  if (o.maxFiles !== undefined && (code === 'LIMIT_FILE_COUNT' || (code === 'LIMIT_UNEXPECTED_FILE' && got === o.field)))
    return new DomainError('validation', 'too many files', { detailKey: 'at_most_photos', max: o.maxFiles });
  if (o.fieldSize !== undefined && code === 'LIMIT_FIELD_VALUE')
    return new DomainError('payload_too_large', 'field too large', { limit: formatBytes(o.fieldSize) });
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return new DomainError('payload_too_large', 'file too large', { limit: formatBytes(o.maxBytes) });
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_UNEXPECTED_FILE':
      return new DomainError(
        'validation',
        'unexpected file',
        got && got !== o.field
          ? { detailKey: 'one_file_got', field: o.field, got: got.slice(0, 40) }
          : { detailKey: 'one_file', field: o.field },
      );
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      return new DomainError('validation', 'too many parts', { detailKey: 'too_many_parts', fields: o.fields });
    case 'LIMIT_FIELD_KEY':
    case 'LIMIT_FIELD_VALUE':
      return new DomainError('payload_too_large', 'field too large', { limit: formatBytes(64 * 1024) });
    case 'MISSING_FIELD_NAME':
      return new DomainError('validation', 'field name missing', { detailKey: 'field_name_missing' });
    case 'ENOSPC':
    case 'EROFS':
    case 'EIO':
    case 'EDQUOT':
      return e;
    default:
      // busboy: "Unexpected end of form", "Multipart: Boundary not found", "Malformed part header"…
      if (e instanceof Error && !(e instanceof DomainError))
        return new DomainError('bad_request', 'malformed multipart', { detailKey: 'malformed_multipart', reason: e.message.slice(0, 120) });
      return e;
  }
}

/** The file `singleUpload` took, as multer leaves it on the context (in memory, or spooled to disk). */
export const uploadedFile = (ctx: object): { buffer?: Buffer; path?: string; size: number } | undefined =>
  (ctx as { file?: { buffer?: Buffer; path?: string; size: number } }).file;
/** The bytes of an in-memory upload, if one came. */
export const uploadedBytes = (ctx: object): Buffer | undefined => uploadedFile(ctx)?.buffer;
