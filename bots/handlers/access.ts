import { DomainError } from '../../src/domain/errors';
import { bindStaff } from '../../src/services/access/bind-staff';
import { broadcast } from '../../src/services/sending/broadcast';
import { resolveScopeName } from '../../src/services/access/scope-names';
import type { HandlerTable } from '../bot-context';

/** `绑定工作人员 CODE` in a private chat. */
export const staffHandlers: HandlerTable = {
  private: {
    bindStaff: async (ctx, cmd) => {
      const user = await bindStaff(ctx.deps, { code: cmd.code, wechatId: ctx.speaker.wechatId, name: ctx.speaker.name });
      return { text: ctx.t('bind_staff.done', { name: user.name }) };
    },
    /** `广播 平山村 内容` (a name, or an id): a bound staff member broadcasts within their own scope */
    broadcast: async (ctx, cmd) => {
      // a bound staff member at all, before any name is looked up
      if (!ctx.can('broadcasts:send')) throw new DomainError('not_allowed', 'broadcast');
      const scope = await resolveScopeName(ctx.deps, cmd.scope);
      const by = ctx.permit('broadcasts:send', scope);
      const r = await broadcast(ctx.deps, { text: cmd.text, scope: scope.label, by: by.id });
      return { text: ctx.t('broadcast.queued', { rooms: r.rooms }) };
    },
  },
};
