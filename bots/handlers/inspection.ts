import type { ChecklistItem } from '../../src/domain/types';
import { createIntent, findIntent } from '../../src/services/conversation/intents';
import { ensureContact } from '../../src/services/conversation/speaker';
import { answerMenu, keepPhoto, nameItem, submitPhoto, type PhotoOutcome } from '../../src/services/inspection/submit-photo';
import { addTipPhoto, TIP_MAX_PHOTOS } from '../../src/services/tips/tips';
import type { BotContext, Handler, HandlerTable, Reply } from '../bot-context';

const itemName = (ctx: BotContext, i: ChecklistItem) => ctx.t(`items.${i}`);

/** How a photo's outcome is said to the landlord (@mentioned in a room). */
export function photoReply(ctx: BotContext, o: PhotoOutcome | null): Reply | null {
  if (!o) return null;
  switch (o.status) {
    case 'labelled':
      if (o.missing.length === 0) return ctx.answer(ctx.t('photo.complete', { code: o.house.code }));
      return ctx.answer(ctx.t('photo.labelled', { code: o.house.code, item: itemName(ctx, o.item), count: o.missing.length, missing: o.missing.map((i) => itemName(ctx, i)).join('、') }));
    case 'ask_item':
      return ctx.answer(ctx.t('photo.ask', { code: o.house.code, menu: o.menu.map((i, n) => `${n + 1} ${itemName(ctx, i)}${o.done.includes(i) ? ' ✓' : ''}`).join('\n') }));
    case 'ask_house':
      return ctx.answer(ctx.t('photo.ask_house', { menu: o.houses.map((h, n) => `${n + 1} ${h.code}`).join('\n') }));
    case 'duplicate':
      return ctx.answer(ctx.t(o.sameHouse ? 'photo.duplicate_same' : 'photo.duplicate'));
    case 'waiting':
      return ctx.answer(ctx.t(o.house ? 'photo.waiting_house' : 'photo.waiting', { item: itemName(ctx, o.item), code: o.house?.code ?? '' }));
    case 'evidence':
      return ctx.answer(ctx.t('hazard.rectified', { number: o.hazard.number, code: o.hazard.houseCode }));
  }
}

/**
 * A photo: kept first, whoever sent it. In a private chat it goes to the sender's tip when
 * one waits for photos, or waits for `举报` from someone who is not a landlord; otherwise it is
 * a registered landlord's inspection photo or hazard evidence.
 */
export async function onPhoto(ctx: BotContext, bytes: Buffer): Promise<Reply | null> {
  const contact = ctx.speaker.contact ?? (await ensureContact(ctx.deps, ctx.speaker.wechatId, ctx.speaker.name));
  const said = { ...ctx.said, contactId: contact.id };
  // someone who is not a landlord keeps at most a tip's worth of photos waiting for `举报`: a stranger cannot fill the disk
  if (ctx.where === 'private' && ctx.speaker.houses.length === 0 && (await ctx.deps.store.intents.count({ contactId: contact.id, kind: 'loose_photo', expiresAt: { gt: ctx.deps.clock.now() } })) >= TIP_MAX_PHOTOS
    && !(await findIntent(ctx.deps, said, ['tip_photos']))) {
    return ctx.answer(ctx.t('tip.photo_first'));
  }
  const photo = await keepPhoto(ctx.deps, { bytes, contactId: contact.id, messageId: ctx.messageId });
  if (ctx.where === 'private') {
    const tip = await addTipPhoto(ctx.deps, { said, photoId: photo.id });
    if (tip) return ctx.answer(ctx.t('tip.photo', { number: tip.number, count: tip.photoIds.length, max: TIP_MAX_PHOTOS }));
    if (ctx.speaker.houses.length === 0) {
      await createIntent(ctx.deps, said, 'loose_photo', { photoId: photo.id });
      return ctx.answer(ctx.t('tip.photo_first'));
    }
  }
  return photoReply(ctx, await submitPhoto(ctx.deps, { speaker: ctx.speaker, photo, said }));
}

const item: Handler<'item'> = async (ctx, cmd) => photoReply(ctx, await nameItem(ctx.deps, { speaker: ctx.speaker, said: ctx.said, item: cmd.item, houseCode: cmd.houseCode }));
const menuNumber: Handler<'menuNumber'> = async (ctx, cmd) => photoReply(ctx, await answerMenu(ctx.deps, { speaker: ctx.speaker, said: ctx.said, n: cmd.n }));

/** Item names (`烟感`, `P00004 烟感`) and menu numbers answer the bot's questions about photos. */
export const photoHandlers: HandlerTable = {
  room: { item, menuNumber },
  private: { item, menuNumber },
};
