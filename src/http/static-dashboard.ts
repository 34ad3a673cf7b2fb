import type Koa from 'koa';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppState } from './context';

const TYPES: Record<string, string> = { '.js': 'application/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.png': 'image/png' };

/**
 * The built dashboard (`dist/web`, made by `npm run build`): `index.html` at `/`, hashed files
 * under `/assets/` cached for good. Returns null when the dashboard was not built, so `/`
 * falls back to the landing page.
 */
export function staticDashboard(dir: string): { index: string; assets: Koa.Middleware<AppState> } | null {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) return null;
  const assetDir = path.join(dir, 'assets');
  const assets: Koa.Middleware<AppState> = async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith('/assets/')) return next();
    const name = ctx.path.slice('/assets/'.length);
    // hashed build file names only: no folders, no dots leading anywhere else
    const type = TYPES[path.extname(name)];
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.') || !type) return next();
    const bytes = await readFile(path.join(assetDir, name)).catch(() => null);
    if (!bytes) return next();
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.body = bytes;
  };
  return { index: readFileSync(indexFile, 'utf8'), assets };
}
