import type { Message, Wechaty, WechatyPlugin } from 'wechaty';
import { parseCommand, type Command } from '../src/domain/commands';
import { isDomainError } from '../src/domain/errors';
import type { Translate } from '../src/i18n';
import type { Deps } from '../src/services/deps';
import { resolveSpeaker } from '../src/services/speaker';
import type { BotContext, Handler, HandlerTable, Reply } from './bot-context';
import { commitmentHandlers } from './plugins/commitments';
import { groupHandlers } from './plugins/groups';
import { helpHandlers } from './plugins/help';
import { staffHandlers } from './plugins/staff';

export interface AnxinPluginConfig {
  deps: Deps;
  t: Translate;
  locale: 'zh-CN' | 'en';
}

const FEATURES: HandlerTable[] = [groupHandlers, commitmentHandlers, helpHandlers, staffHandlers];
/** Commands a room may use before it is bound to a group. */
const UNBOUND_OK = new Set<Command['kind']>(['bindGroup', 'help']);
/** Words that are commands only for people the bot is talking with: never answered with a hint. */
const QUIET = new Set<Command['kind']>(['item', 'menuNumber']);

function merge(where: 'room' | 'private'): Partial<Record<Command['kind'], Handler<Command['kind']>>> {
  return Object.assign({}, ...FEATURES.map((f) => f[where] ?? {}));
}

/**
 * The bot's one message listener (a Wechaty plugin, as plugin-contrib's are made):
 * parse, find the handler, call one service, answer in the room's language. Ordinary
 * chat gets nothing; each message id is handled once; a failure is logged and answered
 * kindly, and never takes the bot down.
 */
export function AnxinPlugin(config: AnxinPluginConfig): WechatyPlugin {
  const handlers = { room: merge('room'), private: merge('private') };
  const { deps } = config;

  async function onMessage(bot: Wechaty, msg: Message): Promise<void> {
    if (msg.self() || msg.type() !== bot.Message.Type.Text) return;
    const cmd = parseCommand(msg.text());
    if (!cmd) return;
    const room = msg.room();
    const handler = (room ? handlers.room : handlers.private)[cmd.kind];
    if (!handler) return;
    const group = room ? await deps.store.groups.findOne({ roomId: room.id }) : null;
    if (room && !group && !UNBOUND_OK.has(cmd.kind) && QUIET.has(cmd.kind)) return;
    // a redelivered message (Wechaty redelivers after reconnects) changes nothing and gets no second reply
    if (!(await deps.store.markProcessed(msg.id, 'message'))) return;

    const talker = msg.talker();
    const lng = group?.locale ?? config.locale;
    const ctx: BotContext = {
      deps,
      lng,
      t: (key, params) => config.t(`bot:${key}`, { lng, ...params }),
      timeZone: deps.timeZone,
      group,
      roomId: room?.id ?? null,
      speaker: await resolveSpeaker(deps, group, talker.id, talker.name()),
      messageId: msg.id,
      botId: bot.currentUser.id,
    };
    let reply: Reply | null;
    try {
      reply = room && !group && !UNBOUND_OK.has(cmd.kind) ? { text: ctx.t('errors.room_not_bound') } : await handler(ctx, cmd as never);
    } catch (e) {
      const known = isDomainError(e) && config.t(`bot:errors.${e.code}`, { lng, defaultValue: '' }) ? e : null;
      if (known) {
        reply = { text: ctx.t(`errors.${known.code}`, { ...known.params }), mentions: room ? [talker.id] : [] };
      } else {
        deps.log.error({ err: e, kind: cmd.kind, messageId: msg.id }, 'bot handler failed');
        reply = { text: ctx.t('unknown_error') };
      }
    }
    if (!reply) return;
    if (room) {
      const mentions = (await Promise.all((reply.mentions ?? []).map((id) => bot.Contact.find({ id })))).filter((c) => c !== undefined);
      await room.say(reply.text, ...mentions);
    } else {
      await talker.say(reply.text);
    }
  }

  return (bot: Wechaty) => {
    bot.on('message', (msg) => {
      onMessage(bot, msg).catch((err) => deps.log.error({ err, messageId: msg.id }, 'message not handled'));
    });
  };
}
