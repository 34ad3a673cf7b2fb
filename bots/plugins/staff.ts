import { bindStaff } from '../../src/services/bind-staff';
import type { HandlerTable } from '../bot-context';

/** `绑定工作人员 CODE` in a private chat. */
export const staffHandlers: HandlerTable = {
  private: {
    bindStaff: async (ctx, cmd) => {
      const user = await bindStaff(ctx.deps, { code: cmd.code, wechatId: ctx.speaker.wechatId, name: ctx.speaker.name });
      return { text: ctx.t('bind_staff.done', { name: user.name }) };
    },
  },
};
