import { shortenAddress } from '../../src/domain/privacy';
import { bindGroup } from '../../src/services/groups/bind-group';
import { confirmRegistration, registerHouse } from '../../src/services/groups/register-house';
import { currentLetterText } from '../../src/services/commitments/letter-version';
import { askToCommit } from '../../src/services/commitments/ask-to-commit';
import { ensureContact } from '../../src/services/conversation/speaker';
import { setGroupLanguage } from '../../src/services/groups/group-settings';
import { proveRegistration } from '../../src/services/groups/prove-registration';
import { postNotices } from '../../src/render/notices';
import type { BotContext, HandlerTable, Reply } from '../bot-context';

/**
 * Registered: the reply asks them to commit (`好的` from them now gets the confirming question),
 * and the letter goes to their private chat: the group has it from its binding (a quiet group).
 * Someone the account cannot write to privately (not its friend) is pointed to the group's copy.
 */
async function registered(ctx: BotContext, params: { code: string; place: string }): Promise<Reply> {
  const contact = ctx.speaker.contact ?? (await ensureContact(ctx.deps, ctx.speaker.wechatId, ctx.speaker.name));
  await askToCommit(ctx.deps, { ...ctx.said, contactId: contact.id });
  if (!ctx.reachable) return ctx.answer(ctx.t('register.registered_letter_in_group', params));
  const letter = ctx.t('register.letter', { letter: await currentLetterText(ctx.deps, ctx.lng) });
  return { ...ctx.answer(ctx.t('register.registered', params)), privately: letter };
}

/**
 * The answer to "the last four digits of the phone" (issue 25): null when the bot asked this
 * person nothing (then the number is chat). The reply never repeats the digits.
 */
export async function answerProof(ctx: BotContext, digits: string): Promise<Reply | null> {
  const p = await proveRegistration(ctx.deps, { said: ctx.said, digits, group: ctx.group });
  if (!p) return null;
  const params = { code: p.house.code, place: shortenAddress(p.house.address) };
  if (p.status === 'registered') return registered(ctx, params);
  if (p.status === 'pending')
    return ctx.answer(ctx.t(p.house.id === ctx.group?.headHouseId ? 'register.pending_staff' : 'register.pending', params));
  if (p.status === 'wrong')
    return ctx.answer(ctx.t(p.left > 0 ? 'register.proof_wrong' : 'register.proof_locked', { ...params, left: p.left }));
  // the house's staff are told privately, in the same unit of work as the reply
  await postNotices(ctx.deps, p.notices);
  return ctx.answer(ctx.t('register.proof_locked', params));
}

/** Binding a room to its group, landlords registering their houses, and claims on a house (SPEC §3 Ownership). */
export const groupHandlers: HandlerTable = {
  room: {
    bindGroup: async (ctx, cmd) => {
      const { group, houses } = await bindGroup(ctx.deps, {
        code: cmd.code,
        roomId: ctx.roomId!,
        botId: ctx.botId,
        by: ctx.speaker.wechatId,
      });
      return { text: ctx.t('bind_group.done', { group: group.name, houses, letter: await currentLetterText(ctx.deps, ctx.lng) }) };
    },
    register: async (ctx, cmd) => {
      const r = await registerHouse(ctx.deps, {
        group: ctx.requireGroup(),
        wechatId: ctx.speaker.wechatId,
        name: ctx.speaker.name,
        houseCode: cmd.houseCode,
        said: { conversation: ctx.said.conversation, at: ctx.said.at },
      });
      const params = { code: r.house.code, place: shortenAddress(r.house.address) };
      // the digits came with the code: the question just asked is answered at once
      if (r.status === 'proof') {
        const asked = { ...ctx, said: { ...ctx.said, contactId: r.contactId } };
        return (cmd.digits ? await answerProof(asked, cmd.digits) : null) ?? ctx.answer(ctx.t('register.ask_phone', params));
      }
      if (r.status === 'claim') return ctx.answer(ctx.t('register.claim_no_phone', params));
      if (r.status === 'pending') return ctx.answer(ctx.t(r.staffOnly ? 'register.pending_staff' : 'register.pending', params));
      if (r.status !== 'registered') return ctx.answer(ctx.t(`register.${r.status}`, params));
      return registered(ctx, params);
    },
    language: async (ctx, cmd) => {
      ctx.permit('group:settings');
      await setGroupLanguage(ctx.deps, ctx.requireGroup(), cmd.locale);
      return { text: ctx.t('language.done', { lng: cmd.locale }) };
    },
    confirmRegister: async (ctx, cmd) => {
      const c = await confirmRegistration(ctx.deps, { group: ctx.requireGroup(), speaker: ctx.speaker, houseCode: cmd.houseCode });
      // the landlord who loses the house is told, in the room, with an @mention
      if (c.previous)
        return { text: ctx.t('register.moved', { code: c.house.code }), mentions: [c.claimant.wechatId, c.previous.wechatId] };
      return { text: ctx.t('register.confirmed', { code: c.house.code }), mentions: [c.claimant.wechatId] };
    },
  },
};
