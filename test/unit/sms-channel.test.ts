/**
 * Issue 28: the SMS providers against a test-owned fake on loopback that checks each request's
 * signature; their failures (4xx, 5xx, rate-limit codes, timeouts) retried by the outbox with
 * back-off and ending as a recorded failure, never a crash or a loop; no key or URL in an error.
 */
import { createOutboxWorker } from '../../src/scheduler/outbox-worker';
import { channelHttp, CHANNEL, createSmsPort, createSmsProvider, createStaffWebhook, type SmsSettings } from '../../src/services/reach/channels';
import { enqueue, MAX_ATTEMPTS } from '../../src/services/sending/outbox';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';
import type { Store } from '../../src/storage/store';
import { depsFor, tempDir } from '../support/fixtures';
import { fakeSmsProvider } from '../support/reach-fakes';

const KEY_ID = 'AKID-test';
const SECRET = 'secret-for-the-fake-9d1c';
const settings = (provider: 'aliyun' | 'tencent', endpoint: string): SmsSettings => ({
  provider, endpoint, accessKeyId: KEY_ID, accessKeySecret: SECRET, sdkAppId: '1400000000', region: 'ap-guangzhou', signName: '安心房东',
  templates: { deadline: 'T-deadline' }, dailyLimitPerNumber: 3, priceFen: 5,
});

describe.each(['aliyun', 'tencent'] as const)('the %s SMS provider', (provider) => {
  let fake: Awaited<ReturnType<typeof fakeSmsProvider>>;
  beforeAll(async () => { fake = await fakeSmsProvider({ provider, keyId: KEY_ID, secret: SECRET, port: provider === 'aliyun' ? 3633 : 3634 }); });
  afterAll(async () => { await fake.close(); });

  it('sends a request the provider\'s signature check accepts', async () => {
    const p = createSmsProvider(settings(provider, fake.url), channelHttp(2000));
    await p.send('17000000001', 'T-deadline', { houses: 'PD0001' });
    expect(fake.bad()).toBe(0);
    expect(fake.received.at(-1)).toMatchObject({ phone: '17000000001', template: 'T-deadline', signName: '安心房东' });
    // signed with another secret, the fake refuses it as the provider would
    await expect(createSmsProvider({ ...settings(provider, fake.url), accessKeySecret: 'wrong' }, channelHttp(2000)).send('17000000001', 'T-deadline', {})).rejects.toThrow(/refused|HTTP 400/);
    expect(fake.bad()).toBe(1);
  });

  it.each([
    ['HTTP 500', { status: 500 }, /HTTP 500/],
    ['HTTP 403', { status: 403 }, /HTTP 403/],
    ['a rate-limit code', { code: provider === 'aliyun' ? 'isv.BUSINESS_LIMIT_CONTROL' : 'LimitExceeded.PhoneNumberDailyLimit' }, /throttled/],
    ['no answer', { hang: true }, /timed out/],
  ])('a failure (%s) is an error naming no key and no URL', async (_what, answer, message) => {
    fake.script.push(answer);
    const err = await createSmsProvider(settings(provider, fake.url), channelHttp(300)).send('17000000001', 'T-deadline', {}).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(message);
    for (const s of [SECRET, KEY_ID, fake.url, '127.0.0.1']) expect(err?.message).not.toContain(s);
  });
});

describe('SMS through the outbox', () => {
  let store: Store;
  let tmp: ReturnType<typeof tempDir>;
  let fake: Awaited<ReturnType<typeof fakeSmsProvider>>;
  beforeAll(async () => { fake = await fakeSmsProvider({ provider: 'aliyun', keyId: KEY_ID, secret: SECRET, port: 3635 }); });
  afterAll(async () => { await fake.close(); });
  beforeEach(() => { tmp = tempDir(); store = createSqliteStore({ dataDir: tmp.dir }); });
  afterEach(async () => { await store.close(); tmp.cleanup(); });

  it('retries a failing provider with back-off and records the failure after the last attempt, without a loop', async () => {
    const deps = depsFor(store);
    const landlord = await store.landlords.insert({ name: '陈娜英', phone: '17000000002', sms: null });
    await enqueue(deps, [{ key: 'sms:x', account: CHANNEL.sms, contactId: landlord.id, text: JSON.stringify({ kind: 'deadline', params: { houses: 'PD0002' } }) }]);
    fake.script.push({ status: 500 }, { status: 429 }, { code: 'isv.BUSINESS_LIMIT_CONTROL' }, { hang: true }, { status: 400 });
    const logged: string[] = [];
    deps.log = { ...deps.log, warn: (o: unknown) => { logged.push(JSON.stringify(o)); }, info: (o: unknown) => { logged.push(JSON.stringify(o)); } } as typeof deps.log;
    const sleep = (ms: number) => { deps.clock.advance(ms); return Promise.resolve(); };
    const port = createSmsPort(deps, settings('aliyun', fake.url), createSmsProvider(settings('aliyun', fake.url), channelHttp(300)));
    const w = createOutboxWorker(deps, port, { account: CHANNEL.sms, worker: 'w', intervalMs: 1000, jitterMs: 0, roomSwitchMs: 0, dailyCap: 100, tooFrequentPauseMs: 60_000, leaseMs: 60_000, idleMs: 10, ownOnly: true }, sleep);
    const steps: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const step = await w.runOnce();
      steps.push(step);
      if (step === 'failed') break;
      deps.clock.advance(10 * 60_000); // past any back-off
    }
    expect(steps.filter((s) => s === 'retry')).toHaveLength(MAX_ATTEMPTS - 1);
    expect(steps.at(-1)).toBe('failed');
    expect(fake.requests()).toBe(MAX_ATTEMPTS);
    expect(await store.outbox.findOne({ key: 'sms:x' })).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(await w.runOnce()).toBe('idle');
    const all = logged.join('\n');
    for (const s of [SECRET, KEY_ID, '17000000002', '127.0.0.1']) expect(all).not.toContain(s);
  });

  it('a channel\'s sender takes only its own entries, never those for any account', async () => {
    const deps = depsFor(store);
    await enqueue(deps, [{ key: 'post', roomId: 'r@chatroom', text: 'x' }]);
    const sent: string[] = [];
    const w = createOutboxWorker(deps, { send: async (e) => { sent.push(e.key); } }, { account: CHANNEL.staff, worker: 'w', intervalMs: 0, jitterMs: 0, roomSwitchMs: 0, dailyCap: 100, tooFrequentPauseMs: 0, leaseMs: 60_000, idleMs: 10, ownOnly: true }, async () => undefined);
    expect(await w.runOnce()).toBe('idle');
    expect(sent).toEqual([]);
  });

  it('the staff webhook says what failed without its URL', async () => {
    const err = await createStaffWebhook('http://127.0.0.1:9/cgi-bin/webhook/send?key=hook-key-abc', channelHttp(300)).send({ text: 'x' } as never).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/staff webhook (unreachable|timed out)/);
    expect(err?.message).not.toContain('hook-key-abc');
  });
});
