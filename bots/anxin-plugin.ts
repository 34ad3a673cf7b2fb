import type { Message, Wechaty, WechatyPlugin } from 'wechaty';
import { parseCommand, type Command } from '../src/domain/commands';
import { DomainError, isDomainError } from '../src/domain/errors';
import type { Deps } from '../src/services/deps';
import { enqueue, PRIORITY } from '../src/services/sending/outbox';
import type { RoomKeeper } from '../src/services/sending/rooms';
import { handleOnce, resolveSpeaker } from '../src/services/conversation/speaker';
import { groupOfRoom } from '../src/services/groups/group-settings';
import { makeContext, type Handler, type Reply } from './bot-context';
import { createBotTexts } from './bot-texts';
import { createLanes } from './conversation-lanes';
import { FEATURES, hintFor } from './features';

export interface AnxinPluginConfig {
  deps: Deps;
  /** attempts and first back-off for fetching a photo's bytes */
  fetchRetries?: number;
  fetchBackoffMs?: number;
  /** told when a message is done (committed): the outbox key of its reply, or null (metrics, tests) */
  onHandled?: (messageId: string, replyKey: string | null) => void;
  /**
   * Several accounts on one store (SPEC §4): the account's rooms are recorded at login and
   * as it hears them, and a room's messages are handled only by the process serving the room
   * (another member account's process answers them). Without it every room is handled here.
   */
  rooms?: RoomKeeper;
}

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
 * (the account's outbox worker sends it). Messages of one room or private chat are
 * handled one after another, in the order they came, each after the one before has
 * committed; rooms run side by side. Ordinary chat gets nothing; each message id is
 * handled once; a failure is logged and answered kindly, and never takes the bot down.
 */
export function AnxinPlugin(config: AnxinPluginConfig): WechatyPlugin {
  const handlers = { room: merge('room'), private: merge('private') };
  const { deps } = config;
  const retries = config.fetchRetries ?? 3;
  const backoff = config.fetchBackoffMs ?? 500;
  const lanes = createLanes();
  const text = createBotTexts(deps.t);

  /** Handles one message; resolves with its reply's outbox key (null: no reply) once it is durable. */
  async function onMessage(bot: Wechaty, msg: Message, photo: Promise<Buffer | null> | null): Promise<string | null> {
    const receivedAt = deps.clock.now();
    const room = msg.room();
    // in its lane, so the room's earlier messages are done first; another member account serves it: its process answers
    if (room && config.rooms && !(await config.rooms.serve(room.id))) return null;
    const where = room ? 'room' as const : 'private' as const;
    const cmd = msg.type() === bot.Message.Type.Text ? parseCommand(msg.text()) : null;
    const handler = cmd ? handlers[where][cmd.kind] : undefined;
    const hint = cmd && !handler ? hintFor(cmd.kind, where) : null;
    if (!handler && !hint && !photo) return null;

    const group = room ? await groupOfRoom(deps, room.id) : null;
    const quiet = photo !== null || (cmd !== null && QUIET.has(cmd.kind));
    if (room && !group && quiet) return null;
    const talker = msg.talker();
    const speaker = await resolveSpeaker(deps, room ? { group } : 'private', talker.id, talker.name());
    // (a photo in a private chat may be for a tip: anyone may send one)
    if (quiet && speaker.houses.length === 0 && !(photo && !room)) return null;
    // a photo's bytes were being fetched meanwhile: a network wait must not hold the store's commit
    const bytes = photo ? await photo : null;

    const lng = group?.locale ?? speaker.contact?.locale ?? deps.locale;
    const ctx = makeContext({
      deps, lng, group, speaker, where,
      t: (key, params) => text(lng, key, params),
      roomId: room?.id ?? null,
      messageId: msg.id,
      said: { contactId: speaker.contact?.id ?? '', conversation: room?.id ?? 'private', at: msg.date() },
      botId: bot.currentUser.id,
    });
    // the message's record, its effects and its reply reach the disk together: a crash
    // keeps all of them or none, so a redelivered message is either ignored or handled afresh
    // a redelivered message (Wechaty redelivers after reconnects) changes nothing and gets no second reply
    return handleOnce(deps, msg.id, async () => {
      let reply: Reply | null;
      try {
        if (photo) {
          if (!bytes) throw new DomainError('photo_unreadable', msg.id);
          reply = await handlers[where].photo!(ctx, { kind: 'photo', bytes });
        } else if (hint) {
          reply = ctx.answer(ctx.t(hint));
        } else if (room && !group && !UNBOUND_OK.has(cmd!.kind)) {
          reply = { text: ctx.t('errors.room_not_bound') };
        } else {
          reply = await handler!(ctx, cmd as never);
        }
      } catch (e) {
        const known = isDomainError(e) && deps.t(`bot:errors.${e.code}`, { lng, defaultValue: '' }) ? e : null;
        if (known) {
          reply = ctx.answer(ctx.t(`errors.${known.code}`, { ...known.params }));
        } else {
          deps.log.error({ err: e, kind: cmd?.kind ?? 'photo', messageId: msg.id }, 'bot handler failed');
          reply = { text: ctx.t('unknown_error') };
        }
      }
      if (!reply) return null;
      // replies go through the persisted outbox like everything else, ahead of bulk posts;
      // keyed by the message they answer, so one message never gets two replies
      const key = `reply:${msg.id}`;
      await enqueue(deps, [{
        key, account: bot.currentUser.id, priority: PRIORITY.reply, notBefore: receivedAt, text: reply.text,
        ...(room ? { roomId: room.id, mentions: reply.mentions ?? [] } : { contactId: talker.id }),
      }]);
      if (reply.privately) {
        await enqueue(deps, [{ key: `${key}:private`, account: bot.currentUser.id, priority: PRIORITY.reply, notBefore: receivedAt, text: reply.privately, contactId: talker.id }]);
      }
      return key;
    });
  }

  /** Starts fetching a photo's bytes at once (outside the lane); null when they cannot be had. */
  function fetchPhoto(msg: Message): Promise<Buffer | null> {
    return withRetry(async () => (await msg.toFileBox()).toBuffer(), retries, backoff)
      .catch((err) => { deps.log.warn({ err, messageId: msg.id }, 'photo could not be fetched'); return null; });
  }

  return (bot: Wechaty) => {
    const rooms = config.rooms;
    if (rooms) {
      // the rooms the account is in, from its room list; then its leases are kept
      bot.on('login', (user) => {
        void (async () => {
          const all = await bot.Room.findAll();
          const mine = (await Promise.all(all.map(async (r) => ((await r.has(user)) ? r.id : null)))).filter((id): id is string => id !== null);
          await rooms.start(user.id, mine);
        })().catch((err) => deps.log.error({ err }, 'room list not recorded'));
      });
      bot.on('room-join', (room, invitees) => {
        if (invitees.some((c) => c.id === bot.currentUser.id)) rooms.joined(room.id).catch((err) => deps.log.error({ err }, 'room join not recorded'));
      });
      bot.on('room-leave', (room, leavers) => {
        if (leavers.some((c) => c.id === bot.currentUser.id)) rooms.left(room.id).catch((err) => deps.log.error({ err }, 'room leave not recorded'));
      });
    }
    bot.on('message', (msg) => {
      if (msg.self()) return;
      // the lane is chosen now, in the order Wechaty delivers, before anything is awaited
      const room = msg.room();
      const lane = room ? `room:${room.id}` : `contact:${msg.talker().id}`;
      const photo = msg.type() === bot.Message.Type.Image ? fetchPhoto(msg) : null;
      lanes.run(lane, () => onMessage(bot, msg, photo))
        .then((key) => config.onHandled?.(msg.id, key), (err) => {
          deps.log.error({ err, messageId: msg.id }, 'message not handled');
          config.onHandled?.(msg.id, null);
        });
    });
  };
}
