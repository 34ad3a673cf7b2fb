import multer from '@koa/multer';
import { DomainError } from '../../domain/errors';
import { importRoster } from '../../services/import-roster';
import { parseRosterFile } from '../../services/parse-roster-file';
import { currentUser } from '../authorize';
import { depsOf, type AppOptions } from '../context';
import type { RouteTable } from '../route-table';

export const ROSTER_MAX_BYTES = 50 * 1024 * 1024;

/** `POST /import/roster` (multipart field `file`): admins and street-wide staff. */
export function importRoutes(o: AppOptions, router: RouteTable): void {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: ROSTER_MAX_BYTES, files: 1, fields: 10 } });
  router.post('/import/roster', 'roster:import', async (ctx, next) => {
    const user = currentUser(ctx);
    if (user.role === 'staff' && user.scope !== 'street') throw new DomainError('forbidden', 'roster import needs street scope');
    await next();
  }, upload.single('file'), async (ctx) => {
    const file = (ctx as unknown as { file?: { buffer: Buffer } }).file;
    if (!file) throw new DomainError('validation', 'file field required', { detail: 'multipart field "file" (XLSX or CSV) is required' });
    const parsed = await parseRosterFile(file.buffer);
    if (parsed.errors.length) {
      ctx.status = 422;
      ctx.body = {
        created: 0,
        updated: 0,
        errors: parsed.errors,
        error: { code: 'roster_rows', message: o.t('api:errors.roster_rows', { lng: ctx.state.lng, count: parsed.errors.length }) },
      };
      return;
    }
    ctx.body = await importRoster(depsOf(o), parsed, { actor: `user:${currentUser(ctx).id}` });
  });
}
