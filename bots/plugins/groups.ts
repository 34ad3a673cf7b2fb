import { DomainError } from '../../src/domain/errors';
import { shortenAddress } from '../../src/domain/privacy';
import { bindGroup } from '../../src/services/bind-group';
import { confirmRegistration, registerHouse } from '../../src/services/register-house';
import type { HandlerTable } from '../bot-context';

/** Binding a room to its group, and landlords registering their houses. */
export const groupHandlers: HandlerTable = {
  room: {
    bindGroup: async (ctx, cmd) => {
      const { group, houses } = await bindGroup(ctx.deps, { code: cmd.code, roomId: ctx.roomId!, botId: ctx.botId, by: ctx.speaker.wechatId });
      return { text: ctx.t('bind_group.done', { group: group.name, houses }) };
    },
    register: async (ctx, cmd) => {
      const r = await registerHouse(ctx.deps, { group: ctx.group!, wechatId: ctx.speaker.wechatId, name: ctx.speaker.name, houseCode: cmd.houseCode });
      const params = { code: r.house.code, place: shortenAddress(r.house.address) };
      if (r.status !== 'registered') return { text: ctx.t(`register.${r.status}`, params), mentions: [ctx.speaker.wechatId] };
      const letter = await ctx.deps.store.letters.findOne({}, { version: -1 });
      return { text: ctx.t('register.registered', { ...params, letter: letter?.texts[ctx.lng] ?? letter?.texts['zh-CN'] ?? '' }), mentions: [ctx.speaker.wechatId] };
    },
    language: async (ctx, cmd) => {
      if (!ctx.speaker.isHead && !ctx.speaker.staff) throw new DomainError('not_allowed', 'language');
      await ctx.deps.store.groups.update(ctx.group!.id, { locale: cmd.locale });
      return { text: ctx.t('language.done', { lng: cmd.locale }) };
    },
    confirmRegister: async (ctx, cmd) => {
      const house = await confirmRegistration(ctx.deps, { group: ctx.group!, speaker: ctx.speaker, houseCode: cmd.houseCode });
      const contact = house.contactId ? await ctx.deps.store.contacts.get(house.contactId) : null;
      return { text: ctx.t('register.confirmed', { code: house.code }), mentions: contact ? [contact.wechatId] : [] };
    },
  },
};
