import type { mock } from 'wechaty-puppet-mock';
import { AnxinPlugin } from '../../bots/anxin-plugin';
import { createBot } from '../../bots/create-bot';
import { createDemoPuppet } from '../../bots/demo-puppet';
import { createWechatySendPort } from '../../bots/wechaty-send-port';
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { createI18n } from '../../src/i18n';
import { ensureDefaults } from '../../src/services/ensure-defaults';
import { importRoster } from '../../src/services/import-roster';
import { parseRosterFile } from '../../src/services/parse-roster-file';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { depsFor, sampleRosterBytes, silentLog, tempDir } from './fixtures';

export interface Said { id: string; from: string; text: string; mentions: string[]; roomId: string | null }

/**
 * The real bot (Wechaty + our plugin) on the mock puppet over a real SQLite store holding
 * the sample roster — after wechaty/mocker's create-fixture: start, log in, make rooms of
 * landlords, record what the bot says, stop.
 */
export async function botFixture() {
  const tmp = tempDir('anxin-bot-');
  const store = createSqliteStore({ dataDir: tmp.dir });
  const deps = depsFor(store);
  const i18n = await createI18n('zh-CN');
  const t = i18n.t.bind(i18n);
  await ensureDefaults(deps, t);
  await importRoster(deps, await parseRosterFile(sampleRosterBytes()), { actor: 'test' });

  const demo = createDemoPuppet();
  const bot = createBot({ name: `test-${Date.now()}`, puppet: demo.puppet, puppetName: 'wechaty-puppet-mock', log: silentLog, plugins: [AnxinPlugin({ deps, t, locale: 'zh-CN', fetchRetries: 3, fetchBackoffMs: 20 })] });
  await bot.start();
  const self = demo.login();
  // the account's outbox worker, unpaced for tests
  const worker = createOutboxWorker(deps, createWechatySendPort(bot.wechaty, store), {
    account: self.id, worker: 'test', intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 100_000, tooFrequentPauseMs: 0, leaseMs: 60_000, idleMs: 10,
  }, (ms) => new Promise((r) => setTimeout(r, ms)));
  worker.start();
  const said: Said[] = [];
  let lastActivity = Date.now();
  demo.puppet.on('message', ({ messageId }) => {
    lastActivity = Date.now();
    const p = demo.mocker.messagePayload(messageId) as { talkerId: string; text?: string; mentionIdList?: string[]; roomId?: string; listenerId?: string };
    if (p.talkerId === self.id) said.push({ id: messageId, from: p.talkerId, text: p.text ?? '', mentions: p.mentionIdList ?? [], roomId: p.roomId ?? null });
  });

  /** Waits until the bot has been quiet for a moment (handlers are async). */
  const settle = async (quietMs = 150) => {
    await new Promise((r) => setTimeout(r, 30));
    while (Date.now() - lastActivity < quietMs) await new Promise((r) => setTimeout(r, 25));
  };

  return {
    store, deps, demo, bot, self, said, t,
    contact: (name: string) => demo.mocker.createContact({ name }),
    room: (topic: string, members: mock.ContactMock[]) => demo.mocker.createRoom({ topic, memberIdList: [self.id, ...members.map((m) => m.id)] }),
    /** `who` says `text` in `where`; resolves once the bot has answered (or stayed silent) */
    async say(who: mock.ContactMock, text: string, where: mock.RoomMock | mock.ContactMock) {
      const before = said.length;
      lastActivity = Date.now();
      who.say(text).to(where);
      await settle();
      return said.slice(before);
    },
    /** what the bot said in a room */
    inRoom: (roomId: string) => said.filter((s) => s.roomId === roomId),
    settle,
    async close() {
      await worker.stop();
      await bot.stop();
      await store.close();
      tmp.cleanup();
    },
  };
}
