import { DomainError } from '../../domain/errors';
import { issueBindCode } from '../../services/groups/bind-codes';
import { inCallerScope } from '../authorize';
import type { AppOptions } from '../context';
import type { RouteTable } from '../route-table';

/**
 * `POST /groups/:id/bind-code` → `{code, expiresAt}` for `绑定群` (staff of the group's scope);
 * `POST /users/:id/bind-code` → `{code, expiresAt}` for `绑定工作人员` (admins); both codes expire in 7 days.
 */
export function bindCodeRoutes(o: AppOptions, router: RouteTable): void {
  router.post('/groups/:id/bind-code', 'bindcodes:issue', async (ctx) => {
    const group = await o.store.groups.get(String(ctx.params.id).slice(0, 64));
    // another scope's group does not exist for the caller
    if (!group || !inCallerScope(ctx, group, 'bindcodes:issue'))
      throw new DomainError('not_found', 'group', { what: o.t('api:what.groups', { lng: ctx.state.lng }) });
    ctx.status = 201;
    ctx.body = await issueBindCode(o, 'group', group.id);
  });
  router.post('/users/:id/bind-code', 'users:manage', async (ctx) => {
    const user = await o.store.users.get(String(ctx.params.id).slice(0, 64));
    if (!user) throw new DomainError('not_found', 'user', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    ctx.status = 201;
    ctx.body = await issueBindCode(o, 'staff', user.id);
  });
}
