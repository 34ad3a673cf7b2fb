import { bodyParser } from '@koa/bodyparser';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { PHOTO_MAX_BYTES } from '../../domain/photo';
import type { SimulatorPort } from '../../ports';
import { requireToken } from '../authorize';
import { RouteTable } from '../route-table';
import type { AppOptions } from '../context';
import { rejectOperators } from '../reject-operators';

export const contactBody = z.object({ name: z.string().trim().min(1).max(40) }).strict();
export const roomBody = z
  .object({ topic: z.string().trim().min(1).max(60), memberIds: z.array(z.string().min(1).max(80)).max(500) })
  .strict();
const mentionIds = z.array(z.string().min(1).max(80)).max(50).optional();
export const messageBody = z.union([
  // `quote`: a quoted reply (引用) to that text
  z
    .object({
      from: z.string().min(1).max(80),
      roomId: z.string().min(1).max(80).optional(),
      text: z.string().min(1).max(5000),
      quote: z.string().min(1).max(500).optional(),
      mentionIds,
    })
    .strict(),
  z
    .object({
      from: z.string().min(1).max(80),
      roomId: z.string().min(1).max(80).optional(),
      imageBase64: z
        .string()
        .min(4)
        .max(Math.ceil(PHOTO_MAX_BYTES / 3) * 4 + 4),
      filename: z.string().trim().min(1).max(100),
    })
    .strict(),
  // WeChat's other kinds (issue 25): a voice, sticker, video or file (`filename`), a link (`text`: its URL), a recall (`messageId`)
  z
    .object({
      from: z.string().min(1).max(80),
      roomId: z.string().min(1).max(80).optional(),
      kind: z.enum(['voice', 'sticker', 'video', 'file', 'link', 'recall']),
      filename: z.string().trim().min(1).max(100).optional(),
      text: z.string().min(1).max(2000).optional(),
      messageId: z.string().min(1).max(120).optional(),
      mentionIds,
    })
    .strict(),
]);
export const membersBody = z.object({ contactIds: z.array(z.string().min(1).max(80)).min(1).max(500) }).strict();
/** issue 28: WeChat limits the demo bot's sends for this many minutes (0 ends a limit) */
export const limitBody = z
  .object({
    minutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
  })
  .strict();

/**
 * `/api/v1/sim/*`, mounted in demo mode only (everywhere else these paths are 404):
 * make contacts and rooms on the mock puppet, speak as them, read the transcripts.
 */
export function simRoutes(o: AppOptions, sim: SimulatorPort): RouteTable {
  const table = new RouteTable('/api/v1/sim');
  const router = table;
  table.router.use(requireToken(o));
  // photos come base64 in JSON: a larger limit here than for the rest of the API
  table.router.use(bodyParser({ enableTypes: ['json'], jsonLimit: '28mb', encoding: 'utf-8' }));
  table.router.use(rejectOperators('body'));
  const missing = (what: string) => new DomainError('not_found', what, { what });

  router.post('/contacts', 'simulator:use', (ctx) => {
    ctx.status = 201;
    ctx.body = sim.createContact(contactBody.parse(ctx.request.body ?? {}).name);
  });
  router.post('/rooms', 'simulator:use', (ctx) => {
    const body = roomBody.parse(ctx.request.body ?? {});
    const unknown = body.memberIds.find((id) => !sim.hasContact(id));
    if (unknown) throw missing(`contact ${unknown}`);
    ctx.status = 201;
    ctx.body = sim.createRoom(body.topic, body.memberIds);
  });
  router.post('/messages', 'simulator:use', (ctx) => {
    const body = messageBody.parse(ctx.request.body ?? {});
    if (!sim.hasContact(body.from)) throw missing(`contact ${body.from}`);
    if (body.roomId && !sim.hasRoom(body.roomId)) throw missing(`room ${body.roomId}`);
    if ('imageBase64' in body && !/^[A-Za-z0-9+/]+={0,2}$/.test(body.imageBase64))
      throw new DomainError('validation', 'imageBase64', { detailKey: 'image_base64' });
    ctx.status = 202;
    ctx.body = sim.post(body);
  });
  // room-join and room-leave, as WeChat tells the bot (issue 25)
  for (const [path, join] of [
    ['/rooms/:id/join', true],
    ['/rooms/:id/leave', false],
  ] as const) {
    router.post(path, 'simulator:use', (ctx) => {
      if (!sim.hasRoom(ctx.params.id!)) throw missing('room');
      const { contactIds } = membersBody.parse(ctx.request.body ?? {});
      const unknown = contactIds.find((id) => !sim.hasContact(id));
      if (unknown) throw missing(`contact ${unknown}`);
      if (join) sim.joinRoom(ctx.params.id!, contactIds);
      else sim.leaveRoom(ctx.params.id!, contactIds);
      ctx.status = 202;
      ctx.body = { id: ctx.params.id! };
    });
  }
  // issue 28: rehearsing failure — the account logged out, back, or limited ("too frequent")
  router.post('/bot/logout', 'simulator:use', async (ctx) => {
    await sim.logout();
    ctx.status = 202;
    ctx.body = { loggedIn: false };
  });
  router.post('/bot/login', 'simulator:use', async (ctx) => {
    await sim.login();
    ctx.status = 202;
    ctx.body = { loggedIn: true };
  });
  router.post('/bot/limit', 'simulator:use', (ctx) => {
    const { minutes } = limitBody.parse(ctx.request.body ?? {});
    sim.limit(minutes);
    ctx.status = 202;
    ctx.body = { minutes };
  });
  router.get('/rooms/:id/messages', 'simulator:use', (ctx) => {
    if (!sim.hasRoom(ctx.params.id!)) throw missing('room');
    ctx.body = sim.roomMessages(ctx.params.id!);
  });
  router.get('/contacts/:id/messages', 'simulator:use', (ctx) => {
    if (!sim.hasContact(ctx.params.id!)) throw missing('contact');
    ctx.body = sim.contactMessages(ctx.params.id!);
  });
  return table;
}
