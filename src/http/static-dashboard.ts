import type Koa from 'koa';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AppState } from './context';

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
};

/**
 * The built dashboard (`dist/web`, made by `npm run build`): `index.html` at `/`, hashed files
 * under `/assets/` cached for good. Returns null when the dashboard was not built, so `/`
 * falls back to the landing page.
 */
export function staticDashboard(dir: string): { index: string; assets: Koa.Middleware<AppState> } | null {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) return null;
  const assetDir = path.join(dir, 'assets');
  // the build never changes while the process runs: each file is read and gzipped once
  const cache = new Map<string, { plain: Buffer; gzip: Buffer }>();
  const load = async (name: string) => {
    if (!cache.has(name)) {
      const plain = await readFile(path.join(assetDir, name)).catch(() => null);
      if (!plain) return null; // misses are not remembered: names probed at random must not grow the cache
      cache.set(name, { plain, gzip: gzipSync(plain, { level: 9 }) });
    }
    return cache.get(name)!;
  };
  const assets: Koa.Middleware<AppState> = async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith('/assets/')) return next();
    const name = ctx.path.slice('/assets/'.length);
    // hashed build file names only: no folders, no dots leading anywhere else
    const type = TYPES[path.extname(name)];
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.') || !type) return next();
    const file = await load(name);
    if (!file) return next();
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.vary('Accept-Encoding');
    if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = file.gzip;
    } else ctx.body = file.plain;
  };
  return { index: readFileSync(indexFile, 'utf8'), assets };
}
