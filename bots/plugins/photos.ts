import type { ChecklistItem } from '../../src/domain/types';
import { labelPhoto, submitPhoto, type PhotoOutcome } from '../../src/services/submit-photo';
import type { BotContext, HandlerTable, Reply } from '../bot-context';

const itemName = (ctx: BotContext, i: ChecklistItem) => ctx.t(`items.${i}`);

/** How a photo's outcome is said to the landlord (always @mentioned). */
export function photoReply(ctx: BotContext, o: PhotoOutcome | null): Reply | null {
  if (!o) return null;
  const me = [ctx.speaker.wechatId];
  switch (o.status) {
    case 'labelled':
      if (o.missing.length === 0) return { text: ctx.t('photo.complete', { code: o.house.code }), mentions: me };
      return { text: ctx.t('photo.labelled', { code: o.house.code, item: itemName(ctx, o.item), count: o.missing.length, missing: o.missing.map((i) => itemName(ctx, i)).join('、') }), mentions: me };
    case 'ask':
      return { text: ctx.t('photo.ask', { code: o.house.code, menu: o.menu.map((i, n) => `${n + 1} ${itemName(ctx, i)}${o.done.includes(i) ? ' ✓' : ''}`).join('\n') }), mentions: me };
    case 'duplicate':
      return { text: ctx.t('photo.duplicate'), mentions: me };
    case 'waiting':
      return { text: ctx.t('photo.waiting', { item: itemName(ctx, o.item) }), mentions: me };
  }
}

/** A photo from a registered landlord in their group's room. */
export async function onPhoto(ctx: BotContext, bytes: Buffer): Promise<Reply | null> {
  return photoReply(ctx, await submitPhoto(ctx.deps, { group: ctx.group!, speaker: ctx.speaker, bytes, messageId: ctx.messageId }));
}

/** Item names and menu numbers label the last unlabelled photo, or the next one. */
export const photoHandlers: HandlerTable = {
  room: {
    item: async (ctx, cmd) => photoReply(ctx, await labelPhoto(ctx.deps, { group: ctx.group!, speaker: ctx.speaker, item: cmd.item })),
    menuNumber: async (ctx, cmd) => photoReply(ctx, await labelPhoto(ctx.deps, { group: ctx.group!, speaker: ctx.speaker, menuNumber: cmd.n })),
  },
};
