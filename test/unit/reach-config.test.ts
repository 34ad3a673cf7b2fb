/**
 * Issue 28's settings: the pacing that keeps a personal account alive by default (3–10 s apart at
 * random, at most 20 a minute, a daily cap, a long cool-down after "too frequent"), and the SMS and
 * webhook settings, whose keys and URLs a start-up error never echoes.
 */
import { ConfigError, loadConfig } from '../../src/config';

describe('reach settings (issue 28)', () => {
  it('paces a real account by default: 3–10 s apart, under 40 a minute, a daily cap, a long cool-down', () => {
    const c = loadConfig({ WECHATY_PUPPET: 'wechaty-puppet-wechat4u' });
    expect({ min: c.sendIntervalMs, max: c.sendIntervalMs + c.sendJitterMs }).toEqual({ min: 3000, max: 10_000 });
    expect(60_000 / c.sendIntervalMs).toBeLessThan(40); // even at the shortest gap
    expect(c.sendDailyCap).toBe(1000);
    expect(c.sendCooldownMinutes).toBe(30);
    expect(c.sms).toBeUndefined();
    // the demo's mock account has nothing to protect
    expect(loadConfig({})).toMatchObject({ sendJitterMs: 0, sendCooldownMinutes: 1 });
  });

  it('reads an SMS provider with its templates, and names what it lacks', () => {
    const c = loadConfig({
      SMS_PROVIDER: 'tencent', SMS_ACCESS_KEY_ID: 'AKID1', SMS_ACCESS_KEY_SECRET: 's3cr3t', SMS_SDK_APP_ID: '1400', SMS_SIGN_NAME: '安心房东',
      SMS_TEMPLATE_DEADLINE: '101', SMS_FALLBACK_AFTER_MINUTES: '0',
    });
    expect(c.sms).toMatchObject({ provider: 'tencent', endpoint: 'https://sms.tencentcloudapi.com/', templates: { deadline: '101' }, dailyLimitPerNumber: 3 });
    expect(c.smsFallbackAfterMinutes).toBe(0);
    expect(() => loadConfig({ SMS_PROVIDER: 'tencent', SMS_ACCESS_KEY_ID: 'a', SMS_ACCESS_KEY_SECRET: 'b', SMS_SIGN_NAME: 'c' })).toThrow(/SMS_SDK_APP_ID/);
    expect(() => loadConfig({ SMS_PROVIDER: 'qq' })).toThrow(/SMS_PROVIDER must be aliyun or tencent/);
  });

  it('never echoes a key or a URL in a start-up error', () => {
    for (const [k, v] of [['STAFF_WEBHOOK_URL', 'ftp://hook?key=abc123'], ['SMS_ENDPOINT', 'not-a-url-secret'], ['SMS_ACCESS_KEY_SECRET', 'x'.repeat(300)]] as const) {
      let message = '';
      try { loadConfig({ [k]: v }); } catch (e) { expect(e).toBeInstanceOf(ConfigError); message = (e as Error).message; }
      expect(message).toContain(k);
      expect(message).not.toContain(v.slice(0, 20));
    }
  });
});
