import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { PHOTO_MAX_BYTES } from '../../domain/photo';
import { broadcast, broadcastReach, broadcastStatus } from '../../services/sending/broadcast';
import { scopesWithin } from '../../services/access/scopes-within';
import { currentUser, effectiveScope } from '../authorize';
import type { AppOptions } from '../context';
import { singleUpload, uploadedBytes } from '../upload';
import { offsetOnly } from '../paging';
import { pageQuery } from '../paging';
import type { RouteTable } from '../route-table';

export const broadcastBody = z
  .object({
    text: z.string().trim().min(1).max(2000),
    scope: z.string().max(100),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const reachQuery = z.object({ scope: z.string().max(100) }).strict();

/** `POST /broadcasts {text, scope, at?}` → `{id}`; `GET /broadcasts/:id` → status and per-room deliveries. */
export function broadcastRoutes(o: AppOptions, router: RouteTable): void {
  // JSON, or multipart with the same fields and an optional `image`
  const upload = singleUpload({ field: 'image', maxBytes: PHOTO_MAX_BYTES, fields: 5 });
  router.post('/broadcasts', 'broadcasts:send', upload, async (ctx) => {
    const user = currentUser(ctx);
    const b = broadcastBody.parse(ctx.request.body ?? {});
    const image = uploadedBytes(ctx);
    const scope = await effectiveScope(o.store, ctx, b.scope);
    const r = await broadcast(o, { text: b.text, scope: scope.label, at: b.at ? new Date(b.at) : undefined, by: `user:${user.id}`, image });
    ctx.status = 201;
    ctx.body = { id: r.broadcast.id, rooms: r.rooms, at: r.broadcast.at };
  });
  // before sending: how many groups the scope has and how many are unbound, the scope checked as the send checks it
  router.get('/broadcasts/preview', 'broadcasts:send', async (ctx) => {
    const q = reachQuery.parse(ctx.query);
    const scope = await effectiveScope(o.store, ctx, q.scope);
    ctx.body = { scope: scope.label, ...(await broadcastReach(o, scope.label)) };
  });
  router.get('/broadcasts', 'broadcasts:read', async (ctx) => {
    const q = pageQuery.parse(ctx.query);
    offsetOnly(q);
    // a broadcast is the caller's when its scope lies inside theirs (issue 9: lists ignored scope)
    const within = await scopesWithin(o.store, await effectiveScope(o.store, ctx, q.scope));
    const where = within ? { scope: { in: within } } : {};
    const [items, total] = await Promise.all([
      o.store.broadcasts.find(where, { limit: q.limit, offset: q.offset, sort: { at: -1 } }),
      o.store.broadcasts.count(where),
    ]);
    ctx.body = { items, total, limit: q.limit, offset: q.offset };
  });
  router.get('/broadcasts/:id', 'broadcasts:read', async (ctx) => {
    const id = String(ctx.params.id).slice(0, 64);
    const b = await o.store.broadcasts.get(id);
    const within = await scopesWithin(o.store, await effectiveScope(o.store, ctx, undefined));
    const s = b && (!within || within.includes(b.scope)) ? await broadcastStatus(o, id) : null;
    if (!s) throw new DomainError('not_found', 'broadcast', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    ctx.body = s;
  });
}
