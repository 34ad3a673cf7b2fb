import type { mock } from 'wechaty-puppet-mock';
import { AnxinPlugin } from '../../bots/anxin-plugin';
import { createBot } from '../../bots/create-bot';
import { createDemoPuppet, sendMockImage } from '../../bots/demo-puppet';
import { createWechatySendPort } from '../../bots/wechaty-send-port';
import type { OutboxEntry } from '../../src/domain/types';
import { ensureDefaults } from '../../src/services/setup/ensure-defaults';
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { importRoster } from '../../src/services/roster/import-roster';
import { parseRosterFile } from '../../src/services/roster/parse-roster-file';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { assertNoPersonalData, depsFor, sampleRosterBytes, silentLog, tempDir } from './fixtures';

/** The sample roster's phone of each house code: what a landlord proves a registration by (issue 25). */
export const ROSTER_PHONES = new Map(sampleRosterBytes().toString('utf8').split('\n').slice(1).filter(Boolean).map((l) => {
  const cells = l.split(',');
  return [cells[3]!, cells[6]!] as const;
}));
/** The last four digits of a sample house's roster phone. */
export const proofOf = (code: string): string => ROSTER_PHONES.get(code.toUpperCase())!.slice(-4);

export interface Said { id: string; from: string; text: string; mentions: string[]; roomId: string | null; listenerId: string | null }

/** A promise per key, made by whichever comes first: the one waiting or the event. */
function signals<V>() {
  const waiting = new Map<string, { promise: Promise<V>; resolve: (v: V) => void }>();
  const slot = (key: string) => {
    let s = waiting.get(key);
    if (!s) {
      let resolve!: (v: V) => void;
      const promise = new Promise<V>((r) => { resolve = r; });
      s = { promise, resolve };
      waiting.set(key, s);
    }
    return s;
  };
  return { fire: (key: string, v: V) => slot(key).resolve(v), when: (key: string) => slot(key).promise };
}

/**
 * The real bot (Wechaty + our plugin) on the mock puppet over a real SQLite store holding
 * the sample roster — after wechaty/mocker's create-fixture: start, log in, make rooms of
 * landlords, record what the bot says, stop. Waits are for events — a message handled
 * (committed), a reply sent — never for a quiet moment, so they hold on a busy machine.
 */
export async function botFixture(o: { intentTtlMs?: number; store?: Store; onHandled?: (messageId: string) => void } = {}) {
  const tmp = tempDir('anxin-bot-');
  // SQLite in the temp folder, or the store given (the MongoDB wire leg)
  const store = o.store ?? createSqliteStore({ dataDir: tmp.dir });
  const deps = depsFor(store, undefined, { intentTtlMs: o.intentTtlMs });
  await ensureDefaults(deps);
  await importRoster(deps, await parseRosterFile(sampleRosterBytes()), { actor: 'test' });

  const handled = signals<string | null>();
  const sent = signals<OutboxEntry>();
  const members = signals<null>();
  const sentKeys: string[] = [];
  const demo = createDemoPuppet();
  const plugin = AnxinPlugin({ deps, fetchRetries: 3, fetchBackoffMs: 20, onHandled: (id, key) => { o.onHandled?.(id); handled.fire(id, key); }, onMembers: (e) => members.fire(e, null) });
  const bot = createBot({ name: `test-${Date.now()}`, puppet: demo.puppet, puppetName: 'wechaty-puppet-mock', log: silentLog, plugins: [plugin] });
  await bot.start();
  const self = demo.login();
  const said: Said[] = [];
  demo.puppet.on('message', ({ messageId }) => {
    const p = demo.mocker.messagePayload(messageId) as { talkerId: string; text?: string; mentionIdList?: string[]; roomId?: string; listenerId?: string };
    if (p.talkerId === self.id) said.push({ id: messageId, from: p.talkerId, text: p.text ?? '', mentions: p.mentionIdList ?? [], roomId: p.roomId ?? null, listenerId: p.listenerId ?? null });
  });
  // the account's outbox worker, unpaced for tests, woken by the bell on every enqueue
  const worker = createOutboxWorker(deps, createWechatySendPort(bot.wechaty, store), {
    account: self.id, worker: 'test', intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 100_000, tooFrequentPauseMs: 0, leaseMs: 60_000, idleMs: 1000, mergeRoomPosts: true,
    afterSent: (e) => { sentKeys.push(e.key); sent.fire(e.key, e); },
  }, (ms) => new Promise((r) => setTimeout(r, ms)));
  worker.start();

  /** Resolves with what the bot said in answer to message `id` ([] when it stayed silent), once that is sent. */
  async function answerTo(id: string): Promise<Said[]> {
    const key = await handled.when(id);
    if (!key) return [];
    const entry = await sent.when(key);
    // the mock delivers the bot's message as it sends it (with the @names before the text in a room)
    const found = said.filter((s) => s.text.endsWith(entry.text) && (s.roomId ?? s.listenerId) === (entry.roomId ?? entry.contactId));
    if (!found.length) throw new Error(`reply ${key} was sent but not seen in the chat`);
    return [found.at(-1)!];
  }

  /** Sends without waiting for anything: returns the message id. `mentions`: who is @mentioned (the bot: `self`). */
  function send(who: mock.ContactMock, text: string, where: mock.RoomMock | mock.ContactMock, mentions: mock.ContactMock[] = []): string {
    const before = new Set(demo.mocker.cacheMessagePayload.keys());
    who.say(text, mentions).to(where);
    const id = [...demo.mocker.cacheMessagePayload.keys()].find((k) => !before.has(k));
    if (!id) throw new Error('the mock made no message');
    return id;
  }
  const sendPhoto = (who: mock.ContactMock, bytes: Buffer, where: mock.RoomMock | mock.ContactMock, name = 'p.jpg') => sendMockImage(demo, who, where, bytes, name);

  return {
    store, deps, demo, bot, self, said, t: deps.t, sentKeys, dataDir: tmp.dir,
    /** WeChat delivers message `id` again (as after a reconnect or a restart of the puppet) */
    redeliver: (id: string) => { demo.puppet.emit('message', { messageId: id }); },
    /** a WeChat user; `friend`: one who added the bot's account (it can then write to them privately; most landlords have not) */
    contact: (name: string, o: { friend?: boolean } = {}) => demo.mocker.createContact({ name, friend: o.friend ?? false }),
    room: (topic: string, members: mock.ContactMock[]) => demo.mocker.createRoom({ topic, memberIdList: [self.id, ...members.map((m) => m.id)] }),
    send,
    sendPhoto,
    answerTo,
    /** resolves when message `id` is handled and committed (with its reply key, or null) */
    handled: (id: string) => handled.when(id),
    /** resolves once the bot recorded that `contactId` left (or joined) room `roomId` */
    membersChanged: (event: 'leave' | 'join', roomId: string, contactId: string) => members.when(`${event}:${roomId}:${contactId}`),
    /** resolves once an outbox entry with this key has been sent */
    sent: (key: string) => sent.when(key),
    /** `who` says `text` in `where`; resolves with the bot's answer once sent ([] for silence) */
    async say(who: mock.ContactMock, text: string, where: mock.RoomMock | mock.ContactMock, mentions: mock.ContactMock[] = []) {
      return answerTo(send(who, text, where, mentions));
    },
    /** `登记 CODE` and, when the bot asks, the last four digits of the roster's phone: resolves with the bot's last answer */
    async register(who: mock.ContactMock, code: string, where: mock.RoomMock | mock.ContactMock) {
      const first = await answerTo(send(who, `登记 ${code}`, where));
      if (!first[0] || !/后四位|last four digits/.test(first[0].text)) return first;
      return answerTo(send(who, proofOf(code), where));
    },
    async photo(who: mock.ContactMock, bytes: Buffer, where: mock.RoomMock | mock.ContactMock) {
      return answerTo(sendPhoto(who, bytes, where));
    },
    /** what the bot said in a room */
    inRoom: (roomId: string) => said.filter((s) => s.roomId === roomId),
    async close() {
      assertNoPersonalData(said.filter((s) => s.roomId).map((s) => s.text));
      await worker.stop();
      await bot.stop();
      await store.close();
      tmp.cleanup();
    },
  };
}

/** The sample roster's first group, and its ten landlords' names (P00001…P00010; P00003 is the head's house). */
export const SAMPLE_GROUP = '平山村第1网格联防1组';
export const SAMPLE_LANDLORDS = sampleRosterBytes().toString('utf8').split('\n').slice(1, 11).map((l) => l.split(',')[5]!);
export type BotFixture = Awaited<ReturnType<typeof botFixture>>;

/** The sample group's ten landlords in its WeChat room, bound to the group by the first of them with a fresh code. */
export async function boundSampleRoom(f: BotFixture, names: readonly string[] = SAMPLE_LANDLORDS, group = SAMPLE_GROUP) {
  const landlords = names.map((n) => f.contact(n));
  const room = f.room(group, landlords);
  const groupId = (await f.store.groups.findOne({ name: group }))!.id;
  const { code } = await issueBindCode(f.deps, 'group', groupId);
  const bound = await f.say(landlords[0]!, `绑定群 ${code}`, room);
  return { landlords, room, groupId, bound };
}
