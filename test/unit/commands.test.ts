import { normalizeText, parseCommand } from '../../src/domain/commands';

describe('parseCommand', () => {
  it.each([
    ['绑定群 AB12CD', { kind: 'bindGroup', code: 'AB12CD' }],
    ['ＢＩＮＤ　ＧＲＯＵＰ　ab12cd', { kind: 'bindGroup', code: 'AB12CD' }],
    ['@安心房东\u2005登记 p00001', { kind: 'register', houseCode: 'P00001' }],
    ['登记P00001', { kind: 'register', houseCode: 'P00001' }],
    ['  Register   P00001 ', { kind: 'register', houseCode: 'P00001' }],
    ['确认登记 P00002', { kind: 'confirmRegister', houseCode: 'P00002' }],
    ['我承诺', { kind: 'commit' }],
    ['我承诺！', { kind: 'commit' }],
    ['承诺', { kind: 'commit' }],
    ['I COMMIT.', { kind: 'commit' }],
    ['烟感', { kind: 'item', item: 'smoke' }],
    ['Fire Extinguisher'.slice(5), { kind: 'item', item: 'extinguisher' }],
    ['电动车', { kind: 'item', item: 'ebike' }],
    ['３', { kind: 'menuNumber', n: 3 }],
    ['进度', { kind: 'progress' }],
    ['进度？', { kind: 'progress' }],
    ['?', { kind: 'help' }],
    ['@安心房东 催办', { kind: 'remind' }],
    ['通过 s00012', { kind: 'approve', houseCode: 'S00012' }],
    ['退回 S00012 灭火器照片看不清', { kind: 'return', houseCode: 'S00012', reason: '灭火器照片看不清' }],
    ['隐患 P00003 楼道堆放杂物 3天', { kind: 'hazard', houseCode: 'P00003', text: '楼道堆放杂物', days: 3 }],
    ['hazard P00003 bikes in the stairwell', { kind: 'hazard', houseCode: 'P00003', text: 'bikes in the stairwell', days: null }],
    ['整改 12', { kind: 'fixed', number: 12 }],
    ['close #12', { kind: 'close', number: 12 }],
    ['积分', { kind: 'points' }],
    ['帮助', { kind: 'help' }],
    ['语言 English', { kind: 'language', locale: 'en' }],
    ['LANGUAGE 中文', { kind: 'language', locale: 'zh-CN' }],
    ['举报 3栋楼道有人飞线充电', { kind: 'report', text: '3栋楼道有人飞线充电' }],
    ['广播 grid:abc 明天上午检查', { kind: 'broadcast', scope: 'grid:abc', text: '明天上午检查' }],
  ])('%s', (input, expected) => {
    expect(parseCommand(input)).toEqual(expected);
  });

  it.each([
    '大家好', '我觉得我承诺过了', '今天天气不错，进度怎么样', '8', '12', '登记', '通过', '承诺书在哪里看', 'ok 👍', '', '   ',
    '@张三 你好', '灭火器多少钱一个', 'http://example.com/登记',
  ])('ordinary chat %j is not a command', (input) => {
    expect(parseCommand(input)).toBeNull();
  });

  it('keeps free text as it was written: full-width punctuation and case', () => {
    expect(parseCommand('广播 grid:abc 明天上午消防检查，请在家！Thanks')).toEqual({ kind: 'broadcast', scope: 'grid:abc', text: '明天上午消防检查，请在家！Thanks' });
    expect(parseCommand('ＲＥＴＵＲＮ　p00001　Photo of the Extinguisher is blurry')).toEqual({ kind: 'return', houseCode: 'P00001', reason: 'Photo of the Extinguisher is blurry' });
    expect(parseCommand('举报 ３栋楼道（B座）有人飞线充电')).toEqual({ kind: 'report', text: '３栋楼道（B座）有人飞线充电' });
  });

  it('is never fooled by invisible or reversing marks inside a command', () => {
    expect(parseCommand('我\u200b承诺')).toEqual({ kind: 'commit' });
    expect(parseCommand('\u202e进度\u202c')).toEqual({ kind: 'progress' });
    expect(normalizeText('\u0007登记\u00a0P1')).toBe('登记 p1');
  });
});

describe('parseCommand under 10,000 random and hostile strings', () => {
  // a seeded generator, so a failure can be replayed
  let seed = 424242;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  // characters that begin no command word and no item word, so strings made of them are chat
  const pool = [...'的了是在人有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现与', '😀', '🔥', '🚲', '\u202e', '\u200f', '\u0000', '\u001b', '\t', '\n', '\u3000', '\u2005', '@', '$', '{', '}', '<', '>', '"', "'", '\\', '%', 'x', 'q', 'z', '9', '0', ' '];
  it('never throws, and answers null for every one', () => {
    for (let i = 0; i < 10_000; i += 1) {
      const len = i % 500 === 0 ? 100_000 + rnd(5000) : 1 + rnd(60);
      let s = '';
      for (let j = 0; j < len; j += 1) s += pool[rnd(pool.length)];
      expect(parseCommand(s)).toBeNull();
    }
  });
  it('never throws on commands buried in noise, huge lines or non-strings', () => {
    const hostile: unknown[] = [null, undefined, 42, {}, [], '我承诺'.repeat(40_000), `\u202e${'进度'.repeat(10)}`, '登记 ' + 'A'.repeat(100), `${'@x '.repeat(1000)}进度`];
    for (const h of hostile) expect(() => parseCommand(h)).not.toThrow();
    expect(parseCommand('我承诺'.repeat(40_000))).toBeNull();
    expect(parseCommand('登记 ' + 'A'.repeat(100))).toBeNull();
  });
});
