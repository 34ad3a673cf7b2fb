import type { Message, Wechaty, WechatyPlugin } from 'wechaty';
import { parseCommand, type Command } from '../src/domain/commands';
import { DomainError, isDomainError } from '../src/domain/errors';
import type { Translate } from '../src/i18n';
import type { Deps } from '../src/services/deps';
import { enqueue, PRIORITY } from '../src/services/outbox';
import { resolveSpeaker } from '../src/services/speaker';
import type { BotContext, Handler, HandlerTable, Reply } from './bot-context';
import { commitmentHandlers } from './plugins/commitments';
import { groupHandlers } from './plugins/groups';
import { helpHandlers } from './plugins/help';
import { onPhoto, photoHandlers } from './plugins/photos';
import { reviewHandlers } from './plugins/review';
import { staffHandlers } from './plugins/staff';

export interface AnxinPluginConfig {
  deps: Deps;
  t: Translate;
  locale: 'zh-CN' | 'en';
  /** attempts and first back-off for fetching a photo's bytes */
  fetchRetries?: number;
  fetchBackoffMs?: number;
}

const FEATURES: HandlerTable[] = [groupHandlers, commitmentHandlers, photoHandlers, reviewHandlers, helpHandlers, staffHandlers];
/** Commands a room may use before it is bound to a group. */
const UNBOUND_OK = new Set<Command['kind']>(['bindGroup', 'help']);
/** Words that mean something only to a registered landlord the bot is talking with: anyone else gets silence. */
const QUIET = new Set<Command['kind']>(['item', 'menuNumber']);

function merge(where: 'room' | 'private'): Partial<Record<Command['kind'], Handler<Command['kind']>>> {
  return Object.assign({}, ...FEATURES.map((f) => f[where] ?? {}));
}

async function withRetry<R>(fn: () => Promise<R>, attempts: number, backoffMs: number): Promise<R> {
  for (let i = 1; ; i += 1) {
    try { return await fn(); } catch (e) {
      if (i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, backoffMs * 2 ** (i - 1)));
    }
  }
}

/**
 * The bot's one message listener (a Wechaty plugin, as plugin-contrib's are made):
 * parse, find the handler, call one service, queue the answer in the room's language
 * (the account's outbox worker sends it). Ordinary
 * chat gets nothing; each message id is handled once; a failure is logged and answered
 * kindly, and never takes the bot down.
 */
export function AnxinPlugin(config: AnxinPluginConfig): WechatyPlugin {
  const handlers = { room: merge('room'), private: merge('private') };
  const { deps } = config;
  const retries = config.fetchRetries ?? 3;
  const backoff = config.fetchBackoffMs ?? 500;

  async function onMessage(bot: Wechaty, msg: Message): Promise<void> {
    if (msg.self()) return;
    // replies are sent in the order their messages came, however long each took to handle
    const receivedAt = deps.clock.now();
    const room = msg.room();
    const isImage = msg.type() === bot.Message.Type.Image;
    const cmd = msg.type() === bot.Message.Type.Text ? parseCommand(msg.text()) : null;
    const handler = cmd ? (room ? handlers.room : handlers.private)[cmd.kind] : undefined;
    // photos count in a group room only (tips with photos come by private chat, later)
    if (!handler && !(isImage && room)) return;

    const group = room ? await deps.store.groups.findOne({ roomId: room.id }) : null;
    const quiet = isImage || (cmd !== null && QUIET.has(cmd.kind));
    if (room && !group && quiet) return;
    const talker = msg.talker();
    const speaker = await resolveSpeaker(deps, group, talker.id, talker.name());
    if (quiet && speaker.houses.length === 0) return;
    // a photo's bytes are fetched first: a network wait must not hold the store's commit
    const bytes = isImage
      ? await withRetry(async () => (await msg.toFileBox()).toBuffer(), retries, backoff)
        .catch((err) => { deps.log.warn({ err, messageId: msg.id }, 'photo could not be fetched'); return null; })
      : null;

    const lng = group?.locale ?? config.locale;
    const ctx: BotContext = {
      deps, lng, group, speaker,
      t: (key, params) => config.t(`bot:${key}`, { lng, ...params }),
      timeZone: deps.timeZone,
      roomId: room?.id ?? null,
      messageId: msg.id,
      botId: bot.currentUser.id,
    };
    // the message's record, its effects and its reply reach the disk together: a crash
    // keeps all of them or none, so a redelivered message is either ignored or handled afresh
    await deps.store.atomically(async () => {
      // a redelivered message (Wechaty redelivers after reconnects) changes nothing and gets no second reply
      if (!(await deps.store.markProcessed(msg.id, 'message'))) return;
      let reply: Reply | null;
      try {
        if (isImage) {
          if (!bytes) throw new DomainError('photo_unreadable', msg.id);
          reply = await onPhoto(ctx, bytes);
        } else if (room && !group && !UNBOUND_OK.has(cmd!.kind)) {
          reply = { text: ctx.t('errors.room_not_bound') };
        } else {
          reply = await handler!(ctx, cmd as never);
        }
      } catch (e) {
        const known = isDomainError(e) && config.t(`bot:errors.${e.code}`, { lng, defaultValue: '' }) ? e : null;
        if (known) {
          reply = { text: ctx.t(`errors.${known.code}`, { ...known.params }), mentions: room ? [talker.id] : [] };
        } else {
          deps.log.error({ err: e, kind: cmd?.kind ?? 'photo', messageId: msg.id }, 'bot handler failed');
          reply = { text: ctx.t('unknown_error') };
        }
      }
      if (!reply) return;
      // replies go through the persisted outbox like everything else, ahead of bulk posts;
      // keyed by the message they answer, so one message never gets two replies
      await enqueue(deps, [{
        key: `reply:${msg.id}`, account: bot.currentUser.id, priority: PRIORITY.reply, notBefore: receivedAt, text: reply.text,
        ...(room ? { roomId: room.id, mentions: reply.mentions ?? [] } : { contactId: talker.id }),
      }]);
    });
  }

  return (bot: Wechaty) => {
    bot.on('message', (msg) => {
      onMessage(bot, msg).catch((err) => deps.log.error({ err, messageId: msg.id }, 'message not handled'));
    });
  };
}
