import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { BlobStore } from './store';

const SHA_RE = /^[0-9a-f]{64}$/;

/**
 * Content-addressed files under `dir/ab/abcdef…`, readable by the owner only (folders 0700,
 * files 0600). A put writes a temp file, fsyncs it, renames it into place and fsyncs the
 * directory, so "stored" survives a power cut.
 */
export class FileBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  /**
   * Removes the temp files a put left behind when the process died mid-write (called at
   * start, before any put runs). Returns how many.
   */
  sweep(): number {
    let removed = 0;
    const list = (dir: string) => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    };
    for (const f of list(this.dir)) {
      for (const n of list(path.join(this.dir, f)).filter((x) => x.endsWith('.tmp'))) {
        rmSync(path.join(this.dir, f, n), { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private pathOf(sha256: string): string {
    if (!SHA_RE.test(sha256)) throw new Error('invalid sha256');
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Buffer): Promise<{ sha256: string; size: number; created: boolean }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const dest = this.pathOf(sha256);
    if (await this.has(sha256)) return { sha256, size: bytes.length, created: false };
    const folder = path.dirname(dest);
    // photos are the owner's alone: folders 0700, files 0600
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    const tmp = `${dest}.${randomBytes(6).toString('hex')}.tmp`;
    const fh = await fs.open(tmp, 'wx', 0o600);
    try {
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      // link, not rename: of two concurrent puts of the same bytes only one creates the file
      // (a volume without hard links falls back to rename, where the later put overwrites the same bytes)
      try {
        await fs.link(tmp, dest);
        await fs.rm(tmp, { force: true });
      } catch (e) {
        if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
        await fs.rename(tmp, dest);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        await fs.rm(tmp, { force: true });
        return { sha256, size: bytes.length, created: false };
      }
      // a full disk must not also leave half a photo behind
      await fs.rm(tmp, { force: true });
      throw e;
    }
    const dh = await fs.open(folder, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
    return { sha256, size: bytes.length, created: true };
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!SHA_RE.test(sha256)) return null;
    try {
      return await fs.readFile(this.pathOf(sha256));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA_RE.test(sha256)) return false;
    try {
      await fs.access(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }
}
