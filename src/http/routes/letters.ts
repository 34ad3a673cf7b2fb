import { z } from 'zod';
import { postNotices } from '../../render/notices';
import { publishLetter } from '../../services/commitments/publish-letter';
import { currentUser } from '../authorize';
import type { AppOptions } from '../context';
import { offsetOnly, pageQuery } from '../paging';
import type { RouteTable } from '../route-table';

export const letterBody = z
  .object({
    texts: z.object({ 'zh-CN': z.string().trim().min(20).max(5000), en: z.string().trim().min(20).max(5000).optional() }).strict(),
  })
  .strict();

/** `POST /letters`: a new commitment letter, announced in every bound room; `GET /letters`: the versions, newest first. */
export function letterRoutes(o: AppOptions, router: RouteTable): void {
  // (for those who publish: the letter in force and the ones before, to write the next from)
  router.get('/letters', 'letters:publish', async (ctx) => {
    const q = pageQuery.parse(ctx.query);
    offsetOnly(q);
    const [items, total] = await Promise.all([
      o.store.letters.find({}, { limit: q.limit, offset: q.offset, sort: { version: -1 } }),
      o.store.letters.count({}),
    ]);
    ctx.body = { items, total, limit: q.limit, offset: q.offset };
  });
  router.post('/letters', 'letters:publish', async (ctx) => {
    const user = currentUser(ctx);
    const body = letterBody.parse(ctx.request.body ?? {});
    const { letter, notices } = await publishLetter(o, { texts: body.texts, by: `user:${user.id}` });
    const announced = await postNotices(o, notices);
    ctx.status = 201;
    ctx.body = { ...letter, announced };
  });
}
