import { createHash } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import type { BlobStore } from '../store';
import { translateMongoError } from './translate-error';

const SHA_RE = /^[0-9a-f]{64}$/;
const BUCKET = 'photos';

/**
 * Photos in GridFS (bucket `photos`), named by sha256, so several bot processes share them.
 * A unique index on the file name (made at start, `ensureIndexes`) keeps one file per
 * content: of two concurrent puts of the same bytes, the later one's files document
 * collides, and its chunks are removed.
 */
export class GridFsBlobStore implements BlobStore {
  private cached?: mongo.GridFSBucket;

  constructor(
    private readonly conn: Connection,
    private readonly GridFSBucket: typeof mongo.GridFSBucket,
  ) {}

  /** The unique name index; run once before the first put. */
  async ensureIndexes(): Promise<void> {
    await this.conn.collection(`${BUCKET}.files`).createIndex({ filename: 1 }, { unique: true, name: 'filename_unique' });
  }

  private bucket(): mongo.GridFSBucket {
    if (this.cached) return this.cached;
    if (!this.conn.db) throw new Error('MongoDB not connected');
    this.cached = new this.GridFSBucket(this.conn.db, { bucketName: BUCKET, writeConcern: { w: 'majority', journal: true } });
    return this.cached;
  }

  private async guard<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (e) {
      throw translateMongoError(e, BUCKET);
    }
  }

  has(sha256: string): Promise<boolean> {
    return this.guard(async () => SHA_RE.test(sha256) && (await this.bucket().find({ filename: sha256 }).limit(1).toArray()).length > 0);
  }

  put(bytes: Buffer): Promise<{ sha256: string; size: number; created: boolean }> {
    return this.guard(async () => {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (await this.has(sha256)) return { sha256, size: bytes.length, created: false };
      const up = this.bucket().openUploadStream(sha256, { metadata: { size: bytes.length } });
      try {
        await new Promise<void>((resolve, reject) => {
          up.once('finish', () => resolve());
          up.once('error', reject);
          up.end(bytes);
        });
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        // another put stored the same bytes first: ours is a duplicate, its chunks go
        await this.conn.collection(`${BUCKET}.chunks`).deleteMany({ files_id: up.id });
        return { sha256, size: bytes.length, created: false };
      }
      return { sha256, size: bytes.length, created: true };
    });
  }

  get(sha256: string): Promise<Buffer | null> {
    return this.guard(async () => {
      if (!(await this.has(sha256))) return null;
      const chunks: Buffer[] = [];
      for await (const c of this.bucket().openDownloadStreamByName(sha256)) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    });
  }
}
