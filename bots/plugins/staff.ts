import { DomainError } from '../../src/domain/errors';
import { scopeContains } from '../../src/domain/scope';
import { bindStaff } from '../../src/services/bind-staff';
import { broadcast } from '../../src/services/broadcast';
import { resolveScope } from '../../src/services/resolve-scope';
import type { HandlerTable } from '../bot-context';

/** `绑定工作人员 CODE` in a private chat. */
export const staffHandlers: HandlerTable = {
  private: {
    bindStaff: async (ctx, cmd) => {
      const user = await bindStaff(ctx.deps, { code: cmd.code, wechatId: ctx.speaker.wechatId, name: ctx.speaker.name });
      return { text: ctx.t('bind_staff.done', { name: user.name }) };
    },
    /** `广播 SCOPE 内容`: a linked staff member broadcasts within their own scope */
    broadcast: async (ctx, cmd) => {
      const user = ctx.speaker.contact?.userId ? await ctx.deps.store.users.get(ctx.speaker.contact.userId) : null;
      if (!user?.active || (user.role !== 'staff' && user.role !== 'admin')) throw new DomainError('not_allowed', 'broadcast');
      const [own, wanted] = await Promise.all([resolveScope(ctx.deps.store, user.scope), resolveScope(ctx.deps.store, cmd.scope)]);
      if (!scopeContains(own, wanted)) throw new DomainError('not_allowed', 'broadcast scope');
      const r = await broadcast(ctx.deps, { text: cmd.text, scope: cmd.scope, by: `user:${user.id}` });
      return { text: ctx.t('broadcast.queued', { rooms: r.rooms }) };
    },
  },
};
