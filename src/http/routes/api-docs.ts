import Router from '@koa/router';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { AppState } from '../context';

/** swagger-ui-dist's files, served from node_modules: the reference works with no network beyond this app. */
const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const page = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>安心房东 API 参考 · API reference</title>
<link rel="icon" href="/api/docs/favicon-32x32.png">
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>`;
const init = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false, tryItOutEnabled: false });`;

/** `GET /api/docs`: a browsable reference of `openapi.json` (Swagger UI, served locally — no CDN). */
export function apiDocsRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  const headers = (ctx: { set(k: string, v: string): void }) => {
    ctx.set('Cache-Control', 'public, max-age=3600');
    // Swagger UI's own policy (it sets inline styles, shows data: images); no page may frame it either
    ctx.set(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'",
    );
  };
  router.get('/api/docs', (ctx) => {
    headers(ctx);
    ctx.type = 'html';
    ctx.body = page;
  });
  router.get('/api/docs/init.js', (ctx) => {
    headers(ctx);
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.body = init;
  });
  router.get('/api/docs/:file', (ctx) => {
    const type = FILES[ctx.params.file ?? ''];
    if (!type) return; // anything else is 404
    headers(ctx);
    ctx.type = type;
    ctx.body = createReadStream(path.join(DIST, ctx.params.file!));
  });
  return router;
}
