import { types, type Message, type Wechaty, type WechatyPlugin } from 'wechaty';
import type { Command } from '../src/domain/commands';
import { understand } from '../src/domain/understand';
import { withoutQuote } from '../src/domain/wechat-quote';
import { awaited } from '../src/services/commitments/ask-to-commit';
import { DomainError, isDomainError } from '../src/domain/errors';
import type { Deps } from '../src/services/deps';
import { enqueue, PRIORITY } from '../src/services/sending/outbox';
import type { RoomKeeper } from '../src/services/sending/rooms';
import { handleOnce, resolveSpeaker } from '../src/services/conversation/speaker';
import { groupOfRoom } from '../src/services/groups/group-settings';
import { roomMembersChanged } from '../src/services/groups/room-members';
import { makeContext, type BotContext, type Reply } from './bot-context';
import { createBotTexts } from './bot-texts';
import { createLanes } from './conversation-lanes';
import { FEATURES, hintFor } from './features';
import { answerProof } from './handlers/groups';
import { fourDigits } from '../src/services/groups/prove-registration';
import { reasonAwaitedIn } from '../src/services/inspection/review-submission';

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
  /** told when a room's members left or joined and that is recorded (tests wait on it): `leave:<room>:<contact>` or `join:…` */
  onMembers?: (event: string) => void;
}

/** Kinds of message the bot cannot read (voice, video, file, link): said to it, it asks for text or photos. */
const UNREADABLE = new Set<number>([types.Message.Audio, types.Message.Video, types.Message.Attachment, types.Message.Url]);

/** Commands a room may use before it is bound to a group. */
const UNBOUND_OK = new Set<Command['kind']>(['bindGroup', 'help']);
/** People's own words (the phrasing table): in a room not yet bound they are chat, whoever says them. */
const LOOSE = new Set<Command['kind']>(['ask', 'assent', 'pendingReview']);

/**
 * Whether the bot is spoken to in a room: its name written first, or @mentioned in the message's
 * payload (any kind of message: Wechaty's mentionSelf reads text messages only).
 */
async function mentionsBot(bot: Wechaty, msg: Message, text: string | null): Promise<boolean> {
  if (text?.startsWith(`@${bot.currentUser.name()}`)) return true;
  const p = msg.payload as { mentionIdList?: string[] } | undefined;
  if (p?.mentionIdList?.includes(bot.currentUser.id)) return true;
  return text !== null && msg.mentionSelf().catch(() => false);
}

/** A handler as the listener calls it: with the command its kind was looked up by (the table pairs them). */
type AnyHandler = (ctx: BotContext, cmd: Command) => Promise<Reply | null>;

function merge(where: 'room' | 'private'): Partial<Record<Command['kind'], AnyHandler>> {
  return Object.assign({}, ...FEATURES.map((f) => f[where] ?? {}));
}

async function withRetry<R>(fn: () => Promise<R>, attempts: number, backoffMs: number): Promise<R> {
  for (let i = 1; ; i += 1) {
    try {
      return await fn();
    } catch (e) {
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
    const where = room ? ('room' as const) : ('private' as const);
    const type = msg.type();
    // a recall changes nothing the bot did, and a sticker is a reaction: both are silence (issue 25)
    if (type === bot.Message.Type.Recalled || type === bot.Message.Type.Emoticon) return null;
    const isText = type === bot.Message.Type.Text;
    // a quoted reply (引用) is what the person wrote under the quote
    const words = isText ? withoutQuote(msg.text()) : null;
    const addressed = !room || (await mentionsBot(bot, msg, words));
    // a voice, video, file or link said to the bot (privately, or with an @): it asks for text or photos
    const media = UNREADABLE.has(type) && (!room || type !== bot.Message.Type.Url) && addressed;
    // the one understanding step: people's own words to a command, with who it is for and when it counts
    const understood = words !== null ? understand(words, { addressed }) : null;
    let cmd: Command | null = understood?.command ?? null;
    // spoken to with words that work nowhere here: a personal answer rather than silence
    if (cmd && addressed && !handlers[where][cmd.kind] && !hintFor(cmd.kind, where)) cmd = { kind: 'ask', topic: 'unknown' };
    // four digits may answer "the last four digits of the phone" — only from the person asked, in that room
    const digits = room && !cmd && words !== null ? fourDigits(words) : null;
    // a reviewer asked for a return's reason (a bare 退回): their next words in the room are it (looked up only
    // where one is awaited; the service makes sure they are the one asked)
    if (room && !cmd && !digits && words !== null && words.trim().length >= 2 && (await reasonAwaitedIn(deps, room.id)))
      cmd = { kind: 'returnReason', reason: words.trim().slice(0, 200) };
    const handler = cmd ? handlers[where][cmd.kind] : undefined;
    const hint = cmd && !handler ? hintFor(cmd.kind, where) : null;
    if (!handler && !hint && !photo && !digits && !media) return null;

    const group = room ? await groupOfRoom(deps, room.id) : null;
    // words that mean something only to a registered landlord the bot is talking with: anyone else gets silence
    const quiet = photo !== null || digits !== null || media || understood?.who === 'landlord';
    if (room && !group && (quiet || (cmd !== null && LOOSE.has(cmd.kind) && !addressed))) return null;
    const talker = msg.talker();
    const speaker = await resolveSpeaker(deps, room ? { group } : 'private', talker.id, talker.name());
    if (digits && !speaker.contact) return null;
    // (a photo in a private chat may be for a tip: anyone may send one)
    if (quiet && !digits && !media && speaker.houses.length === 0 && !(photo && !room)) {
      if (!addressed || photo) return null;
      cmd = { kind: 'ask', topic: 'unknown' }; // spoken to: told how to begin (register) rather than nothing
    }
    const said = { contactId: speaker.contact?.id ?? '', conversation: room?.id ?? 'private', at: msg.date() };
    // words that count only while the bot waits for them from this person (an item for a photo, an answer to "please commit")
    if (understood && cmd && (understood.when === 'waiting' || understood.when === 'asked' || (cmd.kind === 'menuNumber' && cmd.n === 1))) {
      const waits = await awaited(deps, said);
      if (cmd.kind === 'menuNumber' && waits.commitConfirm && !waits.item) cmd = { kind: 'commit' };
      else if ((understood.when === 'waiting' && !waits.item) || (understood.when === 'asked' && !waits.commitAsk))
        cmd = addressed ? { kind: 'ask', topic: 'unknown' } : null;
      if (!cmd) return null;
    }
    const run = cmd ? handlers[where][cmd.kind] : undefined;
    // a photo's bytes were being fetched meanwhile: a network wait must not hold the store's commit
    const bytes = photo ? await photo : null;

    const lng = group?.locale ?? speaker.contact?.locale ?? deps.locale;
    const ctx = makeContext({
      deps,
      lng,
      group,
      speaker,
      where,
      addressed,
      t: (key, params) => text(lng, key, params),
      roomId: room?.id ?? null,
      messageId: msg.id,
      said,
      botId: bot.currentUser.id,
      reachable: !room || talker.friend() === true,
    });
    // the message's record, its effects and its reply reach the disk together: a crash
    // keeps all of them or none, so a redelivered message is either ignored or handled afresh
    // a redelivered message (Wechaty redelivers after reconnects) changes nothing and gets no second reply
    return handleOnce(deps, msg.id, async () => {
      let reply: Reply | null;
      try {
        if (media) {
          reply = ctx.answer(ctx.t('media.use_text'));
        } else if (digits) {
          // nobody asked this person: the number is ordinary chat
          reply = await answerProof(ctx, digits);
        } else if (photo) {
          if (!bytes) throw new DomainError('photo_unreadable', msg.id);
          reply = await handlers[where].photo!(ctx, { kind: 'photo', bytes });
        } else if (hint) {
          reply = ctx.answer(ctx.t(hint));
        } else if (room && !group && !UNBOUND_OK.has(cmd!.kind)) {
          reply = { text: ctx.t('errors.room_not_bound') };
        } else {
          reply = run ? await run(ctx, cmd!) : null;
          // never silent to someone speaking to the bot: what they said meant nothing here, so they hear about their own houses
          const ask = handlers[where].ask;
          if (!reply && addressed && ask) reply = await ask(ctx, { kind: 'ask', topic: 'unknown' });
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
      await enqueue(deps, [
        {
          key,
          account: bot.currentUser.id,
          priority: PRIORITY.reply,
          notBefore: receivedAt,
          text: reply.text,
          ...(room ? { roomId: room.id, mentions: reply.mentions ?? [] } : { contactId: talker.id }),
        },
      ]);
      // (only to someone the account may write to: a handler offers it only then)
      if (reply.privately && ctx.reachable) {
        await enqueue(deps, [
          {
            key: `${key}:private`,
            account: bot.currentUser.id,
            priority: PRIORITY.reply,
            notBefore: receivedAt,
            text: reply.privately,
            contactId: talker.id,
          },
        ]);
      }
      return key;
    });
  }

  /** Starts fetching a photo's bytes at once (outside the lane); null when they cannot be had. */
  function fetchPhoto(msg: Message): Promise<Buffer | null> {
    return withRetry(async () => (await msg.toFileBox()).toBuffer(), retries, backoff).catch((err) => {
      deps.log.warn({ err, messageId: msg.id }, 'photo could not be fetched');
      return null;
    });
  }

  return (bot: Wechaty) => {
    const rooms = config.rooms;
    if (rooms) {
      // the rooms the account is in, from its room list; then its leases are kept
      bot.on('login', (user) => {
        void (async () => {
          const all = await bot.Room.findAll();
          const mine = (await Promise.all(all.map(async (r) => ((await r.has(user)) ? r.id : null)))).filter(
            (id): id is string => id !== null,
          );
          await rooms.start(user.id, mine);
        })().catch((err) => deps.log.error({ err }, 'room list not recorded'));
      });
      // logged out (banned, limited to death, or the phone logged it off) while the process runs on: its leases
      // end now, so another member account takes its rooms and their waiting posts (issue 28: reach that
      // survives a lost account); renewing them would strand the rooms with an account that cannot send.
      // Logged in again, it takes back only the rooms nobody serves meanwhile.
      bot.on('logout', () => {
        rooms.stop().catch((err) => deps.log.error({ err }, 'room leases not ended at logout'));
      });
      bot.on('room-join', (room, invitees) => {
        if (invitees.some((c) => c.id === bot.currentUser.id))
          rooms.joined(room.id).catch((err) => deps.log.error({ err }, 'room join not recorded'));
      });
      bot.on('room-leave', (room, leavers) => {
        if (leavers.some((c) => c.id === bot.currentUser.id))
          rooms.left(room.id).catch((err) => deps.log.error({ err }, 'room leave not recorded'));
      });
    }
    // a landlord who leaves the group's room is no longer @mentioned there, and staff see it on the house (issue 25);
    // in the room's lane, so messages before the event are handled as from a member
    const members = (room: { id: string }, people: { id: string }[], left: boolean) => {
      void lanes
        .run(`room:${room.id}`, () => roomMembersChanged(deps, { roomId: room.id, wechatIds: people.map((c) => c.id), left }))
        .catch((err) => deps.log.error({ err, roomId: room.id }, 'room members not recorded'))
        .finally(() => {
          for (const c of people) config.onMembers?.(`${left ? 'leave' : 'join'}:${room.id}:${c.id}`);
        });
    };
    bot.on('room-leave', (room, leavers) => members(room, leavers, true));
    bot.on('room-join', (room, invitees) => members(room, invitees, false));
    bot.on('message', (msg) => {
      if (msg.self()) return;
      // the lane is chosen now, in the order Wechaty delivers, before anything is awaited
      const room = msg.room();
      const lane = room ? `room:${room.id}` : `contact:${msg.talker().id}`;
      const photo = msg.type() === bot.Message.Type.Image ? fetchPhoto(msg) : null;
      lanes
        .run(lane, () => onMessage(bot, msg, photo))
        .then(
          (key) => config.onHandled?.(msg.id, key),
          (err) => {
            deps.log.error({ err, messageId: msg.id }, 'message not handled');
            config.onHandled?.(msg.id, null);
          },
        );
    });
  };
}
