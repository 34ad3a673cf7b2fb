import { createHash } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import type { BlobStore } from '../store';

const SHA_RE = /^[0-9a-f]{64}$/;

/** Photos in GridFS (bucket `photos`), named by sha256, so several bot processes share them. */
export class GridFsBlobStore implements BlobStore {
  constructor(private readonly conn: Connection, private readonly GridFSBucket: typeof mongo.GridFSBucket) {}

  private bucket() {
    if (!this.conn.db) throw new Error('MongoDB not connected');
    return new this.GridFSBucket(this.conn.db, { bucketName: 'photos', writeConcern: { w: 'majority', j: true } });
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA_RE.test(sha256)) return false;
    return (await this.bucket().find({ filename: sha256 }).limit(1).toArray()).length > 0;
  }

  async put(bytes: Buffer): Promise<{ sha256: string; size: number; created: boolean }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (await this.has(sha256)) return { sha256, size: bytes.length, created: false };
    await new Promise<void>((resolve, reject) => {
      const up = this.bucket().openUploadStream(sha256, { metadata: { size: bytes.length } });
      up.once('finish', () => resolve());
      up.once('error', reject);
      up.end(bytes);
    });
    return { sha256, size: bytes.length, created: true };
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!(await this.has(sha256))) return null;
    const chunks: Buffer[] = [];
    for await (const c of this.bucket().openDownloadStreamByName(sha256)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
}
