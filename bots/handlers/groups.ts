import { shortenAddress } from '../../src/domain/privacy';
import { bindGroup } from '../../src/services/groups/bind-group';
import { confirmRegistration, registerHouse } from '../../src/services/groups/register-house';
import { currentLetterText } from '../../src/services/commitments/letter-version';
import { setGroupLanguage } from '../../src/services/groups/group-settings';
import type { HandlerTable } from '../bot-context';

/** Binding a room to its group, landlords registering their houses, and claims on a house (SPEC §3 Ownership). */
export const groupHandlers: HandlerTable = {
  room: {
    bindGroup: async (ctx, cmd) => {
      const { group, houses } = await bindGroup(ctx.deps, { code: cmd.code, roomId: ctx.roomId!, botId: ctx.botId, by: ctx.speaker.wechatId });
      return { text: ctx.t('bind_group.done', { group: group.name, houses, letter: await currentLetterText(ctx.deps, ctx.lng) }) };
    },
    register: async (ctx, cmd) => {
      const r = await registerHouse(ctx.deps, { group: ctx.requireGroup(), wechatId: ctx.speaker.wechatId, name: ctx.speaker.name, houseCode: cmd.houseCode });
      const params = { code: r.house.code, place: shortenAddress(r.house.address) };
      if (r.status === 'pending') return ctx.answer(ctx.t(r.staffOnly ? 'register.pending_staff' : 'register.pending', params));
      if (r.status !== 'registered') return ctx.answer(ctx.t(`register.${r.status}`, params));
      // the letter goes to the landlord's private chat: the group has it from its binding (issue 25, a quiet group)
      return { ...ctx.answer(ctx.t('register.registered', params)), privately: ctx.t('register.letter', { letter: await currentLetterText(ctx.deps, ctx.lng) }) };
    },
    language: async (ctx, cmd) => {
      ctx.permit('group:settings');
      await setGroupLanguage(ctx.deps, ctx.requireGroup(), cmd.locale);
      return { text: ctx.t('language.done', { lng: cmd.locale }) };
    },
    confirmRegister: async (ctx, cmd) => {
      const c = await confirmRegistration(ctx.deps, { group: ctx.requireGroup(), speaker: ctx.speaker, houseCode: cmd.houseCode });
      // the landlord who loses the house is told, in the room, with an @mention
      if (c.previous) return { text: ctx.t('register.moved', { code: c.house.code }), mentions: [c.claimant.wechatId, c.previous.wechatId] };
      return { text: ctx.t('register.confirmed', { code: c.house.code }), mentions: [c.claimant.wechatId] };
    },
  },
};
