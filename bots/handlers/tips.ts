import { ensureContact } from '../../src/services/conversation/speaker';
import { reportTip, tipOf } from '../../src/services/tips/tips';
import type { HandlerTable } from '../bot-context';

/** `举报 描述` (a tip, with photos before or after) and `举报 N` (how is my tip doing?), in a private chat only. */
export const tipHandlers: HandlerTable = {
  private: {
    report: async (ctx, cmd) => {
      const contact = ctx.speaker.contact ?? (await ensureContact(ctx.deps, ctx.speaker.wechatId, ctx.speaker.name));
      if (/^#?\d{1,7}$/.test(cmd.text)) {
        const tip = await tipOf(ctx.deps, { reporterContactId: contact.id, number: Number(cmd.text.replace('#', '')) });
        return ctx.answer(ctx.t(`tip.status_${tip.status}`, { number: tip.number, reason: tip.reason ?? '' }));
      }
      const tip = await reportTip(ctx.deps, {
        reporterContactId: contact.id,
        text: cmd.text,
        said: { ...ctx.said, contactId: contact.id },
      });
      return ctx.answer(ctx.t('tip.created', { number: tip.number, photos: tip.photoIds.length }));
    },
  },
};
