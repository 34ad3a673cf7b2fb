import { z } from 'zod';
import { postNotices } from '../../render/notices';
import { publishLetter } from '../../services/commitments/publish-letter';
import { currentUser } from '../authorize';
import type { AppOptions } from '../context';
import type { RouteTable } from '../route-table';

export const letterBody = z
  .object({
    texts: z.object({ 'zh-CN': z.string().trim().min(20).max(5000), en: z.string().trim().min(20).max(5000).optional() }).strict(),
  })
  .strict();

/** `POST /letters`: a new commitment letter, announced in every bound room. */
export function letterRoutes(o: AppOptions, router: RouteTable): void {
  router.post('/letters', 'letters:publish', async (ctx) => {
    const user = currentUser(ctx);
    const body = letterBody.parse(ctx.request.body ?? {});
    const { letter, notices } = await publishLetter(o, { texts: body.texts, by: `user:${user.id}` });
    const announced = await postNotices(o, notices);
    ctx.status = 201;
    ctx.body = { ...letter, announced };
  });
}
