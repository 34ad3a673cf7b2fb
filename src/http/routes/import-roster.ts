import Router from '@koa/router';
import { DomainError } from '../../domain/errors';
import { importRoster } from '../../services/import-roster';
import { parseRosterFile } from '../../services/parse-roster-file';
import { requireRole } from '../authorize';
import { depsOf, type AppOptions, type AppState } from '../context';
import { singleUpload } from '../upload';

export const ROSTER_MAX_BYTES = 50 * 1024 * 1024;

/** `POST /import/roster` (multipart field `file`): admins and street-wide staff. */
export function importRoutes(o: AppOptions): Router<AppState> {
  const router = new Router<AppState>();
  const upload = singleUpload({ field: 'file', maxBytes: ROSTER_MAX_BYTES, fields: 10 });
  router.post('/import/roster', async (ctx, next) => {
    const user = requireRole(ctx, 'admin', 'staff');
    if (user.role === 'staff' && user.scope !== 'street') throw new DomainError('forbidden', 'roster import needs street scope');
    await next();
  }, upload, async (ctx) => {
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
    ctx.body = await importRoster(depsOf(o), parsed, { actor: `user:${requireRole(ctx, 'admin', 'staff').id}` });
  });
  return router;
}
