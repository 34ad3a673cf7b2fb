/**
 * Issue 28's acceptance, in the app as `npm start` composes it (demo mode, in-process): the demo
 * bot is logged out past the grace period (SMS_FALLBACK_AFTER_MINUTES=0); the round's reminder
 * reaches the landlords it names by SMS, one each, through a test-owned fake 阿里云 that checks
 * every request's signature, and staff get one alarm on a fake group robot. Once the bot is back
 * the group posts resume, the reminder is never posted in the room as well, staff are told of the
 * recovery once, and no key or webhook URL is in a log line or an API answer.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { start, type Running } from '../../src/main';
import { tempDir } from '../support/fixtures';
import { fakeSmsProvider, fakeWebhook, middayZone } from '../support/reach-fakes';
import { until, type Json, type Line } from '../support/sim-client';

const KEY_ID = 'LTAI-test-key-id';
const SECRET = 'test-secret-never-logged-7f3a';
let sms: Awaited<ReturnType<typeof fakeSmsProvider>>;
let hook: Awaited<ReturnType<typeof fakeWebhook>>;
let running: Running;
const tmp = tempDir('anxin-reach-');
const logLines: string[] = [];
let base = '';
let token = '';

beforeAll(async () => {
  [sms, hook] = await Promise.all([fakeSmsProvider({ provider: 'aliyun', keyId: KEY_ID, secret: SECRET, port: 3631 }), fakeWebhook(3632)]);
  const log = pino({ level: 'debug' }, { write: (s: string) => { logLines.push(s); } });
  running = await start(
    loadConfig({
      DATA_DIR: tmp.dir, PORT: '3630', HOST: '127.0.0.1', SEND_INTERVAL_MS: '0', TZ: middayZone(),
      STAFF_WEBHOOK_URL: hook.url,
      SMS_PROVIDER: 'aliyun', SMS_ENDPOINT: sms.url, SMS_ACCESS_KEY_ID: KEY_ID, SMS_ACCESS_KEY_SECRET: SECRET,
      SMS_SIGN_NAME: '安心房东', SMS_TEMPLATE_DEADLINE: 'SMS_0001', SMS_FALLBACK_AFTER_MINUTES: '0',
    }),
    log,
  );
  base = 'http://127.0.0.1:3630';
  token = readFileSync(path.join(tmp.dir, 'admin-token'), 'utf8').trim();
}, 180_000);
afterAll(async () => { await running?.stop(); await Promise.all([sms?.close(), hook?.close()]); tmp.cleanup(); });

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const r = await fetch(`${base}/api/v1${p}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Json };
}
const transcript = async (room: string) => (await call('GET', `/sim/rooms/${room}/messages`)).body as Line[];

describe('reach that survives a lost WeChat account (issue 28)', () => {
  it('logged out past the grace period: the reminder goes by SMS one each, staff get one alarm; back: posts resume, nothing twice', async () => {
    const group = (await call('GET', '/groups?limit=1')).body.items[0];
    const houses = (await call('GET', `/houses?scope=group:${group.id}&limit=3`)).body.items as Json[];
    const phones = await Promise.all(houses.map(async (h) => String((await call('GET', `/landlords/${h.landlordId}`)).body.phone)));
    const { code } = (await call('POST', `/groups/${group.id}/bind-code`)).body;
    const people: string[] = [];
    for (const name of ['房东甲', '房东乙', '房东丙']) people.push((await call('POST', '/sim/contacts', { name })).body.id);
    const room = (await call('POST', '/sim/rooms', { topic: group.name, memberIds: people })).body.id;
    await call('POST', '/sim/messages', { from: people[0], roomId: room, text: `绑定群 ${code}` });
    for (const [i, who] of people.entries()) {
      await call('POST', '/sim/messages', { from: who, roomId: room, text: `登记 ${houses[i]!.code}` });
      await call('POST', '/sim/messages', { from: who, roomId: room, text: phones[i]!.slice(-4) });
    }
    await until(async () => (await transcript(room)).filter((m) => m.text?.includes('登记成功')).length === 3 || undefined);
    const round = (await call('POST', '/rounds', { period: '2026-12', deadline: '2099-12-20', scope: `group:${group.id}` })).body;
    await until(async () => (await transcript(room)).some((m) => m.text?.includes('月度消防自查开始')) || undefined);
    expect((await call('GET', '/bot')).body.health.state).toBe('ok');

    // the account is lost
    expect((await call('POST', '/sim/bot/logout')).status).toBe(202);
    expect((await call('GET', '/bot')).body.health).toMatchObject({ state: 'logged_out', loggedIn: false });
    await call('POST', '/broadcasts', { text: '掉线期间的通知', scope: `group:${group.id}` });
    // the post waits in the outbox, counted in the account's backlog
    const waiting = await until(async () => { const b = (await call('GET', '/bot')).body; return b.health.backlog.due >= 1 ? b : undefined; });
    expect(waiting.backlogs.some((x: { due: number }) => x.due >= 1)).toBe(true);
    const before = (await transcript(room)).length;
    expect((await call('POST', `/rounds/${round.id}/remind`)).body).toMatchObject({ reminded: 1 });

    // one SMS to each landlord the reminder names, signed right; one alarm to staff
    await until(async () => sms.received.length >= 3 || undefined);
    await until(async () => hook.received.length >= 1 || undefined);
    expect(sms.received.map((r) => r.phone).sort()).toEqual([...phones].sort());
    expect(sms.received.every((r) => r.template === 'SMS_0001' && r.signName === '安心房东')).toBe(true);
    expect(sms.received.map((r) => r.params.houses).sort()).toEqual(houses.map((h) => h.code).sort());
    expect(sms.bad()).toBe(0);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.text.content).toContain('掉线');
    const reminder = await running.store.outbox.findOne({ key: { gte: 'remind:', lt: 'remind;' } });
    expect(reminder).toMatchObject({ status: 'rerouted' });

    // the account is back: the group's posts resume (a broadcast reaches the room), the reminder is not posted there too
    expect((await call('POST', '/sim/bot/login')).status).toBe(202);
    await call('POST', '/broadcasts', { text: '冬季用火用电安全提醒', scope: `group:${group.id}` });
    await until(async () => (await transcript(room)).some((m) => m.text?.includes('冬季用火用电安全提醒')) || undefined);
    await until(async () => hook.received.length >= 2 || undefined);
    const after = (await transcript(room)).slice(before);
    expect(after.filter((m) => m.mentions.length > 0)).toEqual([]); // no reminder with its @mentions in the room
    expect(after.filter((m) => m.text?.includes('冬季用火用电安全提醒'))).toHaveLength(1);
    expect(after.filter((m) => m.text?.includes('掉线期间的通知'))).toHaveLength(1); // the post that waited goes once
    expect(hook.received[1]!.text.content).toContain('恢复');
    expect(sms.received).toHaveLength(3);
    expect((await call('GET', '/bot')).body.health.state).toBe('ok');
    // the month's SMS and their cost (5 fen each by default)
    expect((await call('GET', '/bot')).body.channels.sms).toMatchObject({ provider: 'aliyun', fallbackAfterMinutes: 0, month: { sent: 3, costFen: 15 } });

    // keys and the webhook's URL are in no log line and no answer
    const bot = JSON.stringify((await call('GET', '/bot')).body);
    for (const secret of [SECRET, KEY_ID, 'hook-secret-0123456789', '127.0.0.1:3631', '127.0.0.1:3632']) {
      expect(bot).not.toContain(secret);
      expect(logLines.join('\n')).not.toContain(secret);
    }
    expect(logLines.join('\n')).not.toMatch(/1700000\d{4}/); // phones masked in every log line
  }, 90_000);

  it('rehearses WeChat\'s "too frequent": sends fail for the limit, the account cools down with nothing sent, staff are told once', async () => {
    expect((await call('POST', '/sim/bot/limit', { minutes: -1 })).status).toBe(400);
    expect((await call('POST', '/sim/bot/limit', { minutes: 5, extra: 1 })).status).toBe(400);
    expect((await call('POST', '/sim/bot/limit', { minutes: 5 })).status).toBe(202);
    const told = hook.received.length;
    const group = (await call('GET', '/groups?limit=1')).body.items[0];
    await call('POST', '/broadcasts', { text: '限流期间的通知', scope: `group:${group.id}` });
    const health = await until(async () => { const h = (await call('GET', '/bot')).body.health; return h.state === 'limited' ? h : undefined; });
    expect(health.limitSignals).toBe(1);
    expect(Date.parse(health.coolingUntil)).toBeGreaterThan(Date.now());
    await until(async () => hook.received.length > told || undefined);
    expect(hook.received.at(-1)!.text.content).toContain('频繁');
    // the message met the limit and waits, unblamed, for the cool-down's end
    expect(await running.store.outbox.findOne({ text: '限流期间的通知' })).toMatchObject({ status: 'pending', attempts: 0 });
  }, 180_000);
});
