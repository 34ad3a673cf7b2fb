import type Koa from 'koa';
import type { AppState } from './context';

/**
 * What the dashboard needs and nothing more: its own scripts (Vite emits no inline script), inline
 * styles (Element Plus and ECharts set style attributes), images from itself, data: and blob:
 * (photos fetched with the token and shown from a blob), requests to its own API — and no page
 * anywhere may frame it (clickjacking a logged-in staff member).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Security headers on every response, the dashboard's and the API's, errors included (set before
 * the routes run: a route with other needs, the API reference, sets its own policy). X-Frame-Options
 * says the same as frame-ancestors to browsers that do not read CSP.
 */
export const securityHeaders: Koa.Middleware<AppState> = async (ctx, next) => {
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  await next();
};
