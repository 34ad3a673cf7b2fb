import type { BotContext, HandlerTable } from '../bot-context';

/** `帮助`: the commands open to the sender's role, where they are. */
function helpText(ctx: BotContext, where: 'room' | 'private'): string {
  const parts = [ctx.t('help.title')];
  if (where === 'room' && !ctx.group) parts.push(ctx.t('help.unbound'));
  parts.push(ctx.t('help.landlord'));
  if (ctx.speaker.isHead || ctx.speaker.staff) parts.push(ctx.t('help.head'));
  if (where === 'private') parts.push(ctx.t('help.private'));
  return parts.join('\n\n');
}

export const helpHandlers: HandlerTable = {
  room: { help: async (ctx) => ({ text: helpText(ctx, 'room') }) },
  private: { help: async (ctx) => ({ text: helpText(ctx, 'private') }) },
};
