import { loadConfig } from '../../src/config';
import { maskPersonal, maskPhone, redactPersonal, shortenAddress } from '../../src/domain/privacy';
import { parseScope, placedFilter, scopeContains } from '../../src/domain/scope';
import { newId } from '../../src/domain/ids';
import { deadlineFrom, periodOf, zonedInstant } from '../../src/domain/period';

describe('privacy', () => {
  it('masks phones and removes phone and ID numbers from text', () => {
    expect(maskPhone('15000001408')).toBe('150****1408');
    expect(redactPersonal('电话15000001408，身份证33010619900101123X，房号P00001')).toBe('电话[PHONE]，身份证[ID]，房号P00001');
    expect(redactPersonal('+86 139-0000-5054 call')).toBe('[PHONE] call');
    expect(redactPersonal('门牌25号 2026-11-22')).toBe('门牌25号 2026-11-22');
  });
  it('masks numbers typed full-width or in groups, as a Chinese keyboard and ID cards write them (found by a checker)', () => {
    expect(maskPersonal('电话１３８１２３４５６７８')).toBe('电话138****5678');
    expect(maskPersonal('身份证 110101 19900307 123X 与 110101-19900307-1234')).toBe('身份证 110***********123X 与 110***********1234');
    expect(maskPersonal('旧证 110101 900307 123，新证１１０１０１１９９００３０７１２３Ｘ')).toBe('旧证 110********7123，新证110***********123X');
    // dates, house codes, counts and the bot's own numbers are left alone
    for (const plain of ['2026-11-22 截止', '门牌 25 号', 'P00001 烟感', '共 12 户，已交 10 户', '隐患 #12（PD0002）']) expect(maskPersonal(plain)).toBe(plain);
  });
  it('shortens an address to the road and number', () => {
    expect(shortenAddress('平山村东港路25号')).toBe('东港路25号');
    expect(shortenAddress('西墅社区回龙巷7号')).toBe('回龙巷7号');
    expect(shortenAddress('某地 12号')).toBe('12号');
  });
});

describe('scope', () => {
  it('parses the four forms and refuses others', () => {
    expect(parseScope(undefined)).toEqual({ level: 'street' });
    expect(parseScope('group:abc')).toEqual({ level: 'group', id: 'abc' });
    expect(() => parseScope('house:1')).toThrow(expect.objectContaining({ code: 'scope_invalid' }));
    expect(() => parseScope('grid:{"$gt":""}')).toThrow(expect.objectContaining({ code: 'scope_invalid' }));
  });
  it('knows containment and the filter a scope means', () => {
    const grid = { level: 'grid' as const, communityId: 'c', gridId: 'g' };
    expect(scopeContains(grid, { level: 'group', communityId: 'c', gridId: 'g', groupId: 'x' })).toBe(true);
    expect(scopeContains(grid, { level: 'community', communityId: 'c' })).toBe(false);
    expect(scopeContains({ level: 'street' }, grid)).toBe(true);
    expect(placedFilter(grid)).toEqual({ gridId: 'g' });
  });
});

describe('ids and periods', () => {
  it('makes ids that sort in creation order', () => {
    // (many in one millisecond: the counter passes one base-36 digit; a clock set back keeps the order)
    const ids = [...Array.from({ length: 5000 }, () => newId()), newId(Date.now() - 60_000), newId(1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{13}[0-9a-f]{7}$/);
  });
  it('gives the first id of a process the same shape when the clock reads 1970 or before (a test clock at 0)', () => {
    jest.isolateModules(() => {
      const { newId: fresh } = jest.requireActual<typeof import('../../src/domain/ids')>('../../src/domain/ids');
      const ids = [fresh(0), fresh(-1), fresh(1)];
      for (const id of ids) expect(id).toMatch(/^[0-9a-z]{13}[0-9a-f]{7}$/);
      expect(ids.map((id) => id.slice(0, 13))).toEqual(['0000000000001', '0000000000002', '0000000010000']);
    });
  });
  it('computes the month in the campaign time zone', () => {
    expect(periodOf(new Date('2026-11-30T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-12');
    expect(periodOf(new Date('2026-11-30T17:00:00Z'), 'UTC')).toBe('2026-11');
  });
  it('turns wall-clock times and date-only deadlines into instants in the campaign time zone', () => {
    expect(zonedInstant('2026-12-01', '09:00:00', 'Asia/Shanghai').toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(zonedInstant('2026-07-01', '09:00:00', 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(deadlineFrom('2026-11-20', 'Asia/Shanghai').toISOString()).toBe('2026-11-20T15:59:59.000Z');
    expect(deadlineFrom('2026-11-20T08:00:00+08:00', 'Asia/Shanghai').toISOString()).toBe('2026-11-20T00:00:00.000Z');
  });
});

describe('loadConfig', () => {
  it('defaults to embedded storage, demo mode and Asia/Shanghai', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, demo: true, timeZone: 'Asia/Shanghai', locale: 'zh-CN', sendIntervalMs: 200, demoSeed: true, retentionDays: 30 });
    expect(c.dataDir).toMatch(/data$/);
  });
  it('leaves demo mode when a puppet is named, and paces at 3 s by default', () => {
    expect(loadConfig({ WECHATY_PUPPET: 'wechaty-puppet-wechat4u' })).toMatchObject({ demo: false, sendIntervalMs: 3000 });
  });
  it.each([
    ['PORT', 'abc'], ['PORT', '70000'], ['PORT', '-1'], ['TZ', 'Mars/Base'], ['MONGODB_URI', 'http://x'], ['ADMIN_TOKEN', 'short'],
    ['LOCALE', 'fr'], ['DEMO_SEED', 'yes'], ['SEND_INTERVAL_MS', '-5'], ['RETENTION_DAYS', '0'], ['RETENTION_DAYS', 'forever'],
    ['IMPORT_TIME_LIMIT_SECONDS', '0'], ['IMPORT_TIME_LIMIT_SECONDS', '10m'],
  ])('stops on a bad %s with one line naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^配置错误 Invalid configuration: ${name}: [^\\n]+$`));
  });
  it('gives a roster import a time budget of 600 s unless IMPORT_TIME_LIMIT_SECONDS says otherwise (issue 30)', () => {
    expect(loadConfig({}).importTimeLimitSeconds).toBe(600);
    expect(loadConfig({ IMPORT_TIME_LIMIT_SECONDS: '90' }).importTimeLimitSeconds).toBe(90);
  });
  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', WECHATY_PUPPET: ' ' })).toMatchObject({ port: 3000, demo: true });
  });
});
