import type { AskTopic } from './phrasings';
import type { ChecklistItem } from './types';

/** What a person asked the bot for (SPEC §3). Anything else is ordinary chat: `null`. */
export type Command =
  | { kind: 'bindGroup'; code: string }
  | { kind: 'bindStaff'; code: string }
  | { kind: 'register'; houseCode: string; digits?: string }
  | { kind: 'confirmRegister'; houseCode: string }
  /** soft: said in other words (同意, 保证, a 接龙 line, a slip): silence when it commits nothing new */
  | { kind: 'commit'; soft?: true }
  /** 好的, 收到, 嗯: counts only as an answer to the bot's request to commit (a confirming question) */
  | { kind: 'assent' }
  | { kind: 'item'; item: ChecklistItem; houseCode?: string }
  /** `n` answers the oldest question waiting; `rest` the next ones (`1 2 3`) */
  | { kind: 'menuNumber'; n: number; rest?: number[] }
  /** a picture someone sent (its bytes, already fetched): not parsed from text, but handled from the same table */
  | { kind: 'photo'; bytes: Buffer }
  | { kind: 'progress' }
  | { kind: 'remind' }
  /** `通过 PD0001 PD0002`: the first code, and any more */
  | { kind: 'approve'; houseCode: string; more?: string[] }
  /** a bare `通过`: what waits for review */
  | { kind: 'pendingReview' }
  /** a question about the speaker's own record (还差什么, 截止哪天…), or anything said to the bot that has no other meaning */
  | { kind: 'ask'; topic: AskTopic }
  /** an empty reason (`退回 PD0001`) is asked for */
  | { kind: 'return'; houseCode: string; reason: string }
  /** a reviewer's words after a bare `退回 CODE`: the reason (set by the listener when one was asked, never parsed) */
  | { kind: 'returnReason'; reason: string }
  | { kind: 'hazard'; houseCode: string; text: string; days: number | null }
  | { kind: 'fixed'; number: number }
  | { kind: 'close'; number: number }
  | { kind: 'points' }
  | { kind: 'help' }
  | { kind: 'report'; text: string }
  | { kind: 'broadcast'; scope: string; text: string }
  | { kind: 'language'; locale: 'zh-CN' | 'en' };

/** Longer input is never a command (and is not worth scanning). */
export const MAX_COMMAND_LENGTH = 2000;

/** Item names landlords type, in Chinese or English, to the checklist key. */
export const ITEM_WORDS: Record<string, ChecklistItem> = {
  烟感: 'smoke',
  烟感报警器: 'smoke',
  烟雾报警器: 'smoke',
  smoke: 'smoke',
  'smoke detector': 'smoke',
  'smoke alarm': 'smoke',
  灭火器: 'extinguisher',
  extinguisher: 'extinguisher',
  电动车: 'ebike',
  电动自行车: 'ebike',
  充电: 'ebike',
  ebike: 'ebike',
  'e-bike': 'ebike',
  'e bike': 'ebike',
  通道: 'exit',
  疏散通道: 'exit',
  安全出口: 'exit',
  出口: 'exit',
  exit: 'exit',
  exits: 'exit',
  用电: 'wiring',
  用电安全: 'wiring',
  电线: 'wiring',
  wiring: 'wiring',
  四件套: 'kit',
  应急四件套: 'kit',
  kit: 'kit',
  钉牌: 'placard',
  房屋钉牌: 'placard',
  placard: 'placard',
};

const CODE = '([a-z0-9][a-z0-9_-]{1,23})';
const NUM = '(\\d{1,7})';

import { INVISIBLE } from './privacy';
import { parseMenuNumbers } from './menu-answer';

/**
 * What people typed, cleaned but not folded: invisible marks (zero-width, bidi, controls)
 * removed, a leading @mention (WeChat ends it with U+2005) dropped, runs of spaces made
 * one, trailing punctuation trimmed (a lone "?" stays: it asks for help).
 * Free-text arguments (a reason, a tip, a notice) are taken from this, as written.
 */
function clean(raw: string): string {
  return raw
    .replace(INVISIBLE, '')
    .replace(/^\s*(?:[@＠][^\s\u2005]{1,40}[\s\u2005]+)+/u, '')
    .replace(/[\s\u2005\u3000]+/gu, ' ')
    .trim()
    .replace(/(?<=[^\s!！。.~～?？])[\s!！。.~～?？]+$/u, '');
}

/**
 * Folds cleaned text for matching: full-width to half-width (NFKC), lower case. Returns
 * the folded text and, for each of its code units, the index in the cleaned text it
 * came from, so a match can be cut out of what was actually written.
 */
function fold(cleaned: string): { text: string; from: number[] } {
  let text = '';
  const from: number[] = [];
  let at = 0;
  for (const ch of cleaned) {
    const f = ch.normalize('NFKC').toLowerCase();
    text += f;
    for (let k = 0; k < f.length; k += 1) from.push(at);
    at += ch.length;
  }
  from.push(at);
  return { text, from };
}

/** Cleaned and folded, as one string (for tests and logs). */
export function normalizeText(raw: string): string {
  return fold(clean(raw)).text;
}

/** A match, and the text of a capture group as it was written (not folded). */
type Written = (group: number) => string;
type Rule = [RegExp, (m: RegExpExecArray, written: Written) => Command | null];
/** A house code (it has a digit) and then, maybe, an item word. */
const HOUSE_ITEM = new RegExp(`^(?=[a-z_-]*\\d)${CODE} ?(.{1,20})$`, 'u');
const rx = (s: string) => new RegExp(`^${s}$`, 'du');

/** One line per command: the patterns and what they mean. Order matters only where a word prefixes another. */
const RULES: Rule[] = [
  [rx(`(?:绑定群|bind group) ?${CODE}`), (m) => ({ kind: 'bindGroup', code: m[1]!.toUpperCase() })],
  [rx(`(?:绑定工作人员|bind staff) ?${CODE}`), (m) => ({ kind: 'bindStaff', code: m[1]!.toUpperCase() })],
  [rx(`(?:确认登记|confirm register|confirm) ?${CODE}`), (m) => ({ kind: 'confirmRegister', houseCode: m[1]!.toUpperCase() })],
  // the phone's last four digits may come in the same message (登记 PD0001 5678): one exchange instead of two
  [
    rx(`(?:登记|register) ?${CODE}(?: (\\d{4}))?`),
    (m) => ({ kind: 'register', houseCode: m[1]!.toUpperCase(), ...(m[2] ? { digits: m[2] } : {}) }),
  ],
  [rx('(?:我承诺|承诺|i commit|commit)'), () => ({ kind: 'commit' })],
  [rx('(?:进度|progress)'), () => ({ kind: 'progress' })],
  [rx('(?:催办|remind)'), () => ({ kind: 'remind' })],
  [rx(`(?:通过|approve) ?${CODE}`), (m) => ({ kind: 'approve', houseCode: m[1]!.toUpperCase() })],
  [rx(`(?:退回|return) ?${CODE} (.{1,200})`), (m, w) => ({ kind: 'return', houseCode: m[1]!.toUpperCase(), reason: w(2) })],
  [
    rx(`(?:隐患|hazard) ?${CODE} (.{1,300}?)(?: (\\d{1,3}) ?(?:天|days?))?`),
    (m, w) => ({ kind: 'hazard', houseCode: m[1]!.toUpperCase(), text: w(2), days: m[3] ? Number(m[3]) : null }),
  ],
  [rx(`(?:整改|fixed) ?#?${NUM}`), (m) => ({ kind: 'fixed', number: Number(m[1]) })],
  [rx(`(?:销号|close) ?#?${NUM}`), (m) => ({ kind: 'close', number: Number(m[1]) })],
  [rx('(?:积分|points)'), () => ({ kind: 'points' })],
  [rx('(?:帮助|help|\\?|？|菜单|menu)'), () => ({ kind: 'help' })],
  [rx('(?:举报|report) ?(.{1,1000})'), (_m, w) => ({ kind: 'report', text: w(1) })],
  [rx('(?:广播|broadcast) (\\S{1,64}) (.{1,1500})'), (_m, w) => ({ kind: 'broadcast', scope: w(1), text: w(2) })],
  [
    rx('(?:语言|language|lang) (中文|汉语|zh|zh-cn|chinese|英文|英语|en|english)'),
    (m) => ({ kind: 'language', locale: /^(中文|汉语|zh|zh-cn|chinese)$/.test(m[1]!) ? 'zh-CN' : 'en' }),
  ],
  [
    /^[1-7][ ,，、;；/]/u,
    (m) => {
      const ns = parseMenuNumbers(m.input);
      return ns ? { kind: 'menuNumber', n: ns[0]!, rest: ns.slice(1) } : null;
    },
  ],
  [rx('([1-7])'), (m) => ({ kind: 'menuNumber', n: Number(m[1]) })],
];

/**
 * Parses one message into a command, or null for ordinary chat. Never throws; input
 * longer than MAX_COMMAND_LENGTH is chat.
 */
export function parseCommand(raw: unknown): Command | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_COMMAND_LENGTH * 4) return null;
  const cleaned = clean(raw);
  if (cleaned.length === 0 || cleaned.length > MAX_COMMAND_LENGTH) return null;
  const { text, from } = fold(cleaned);
  const item = ITEM_WORDS[text];
  if (item) return { kind: 'item', item };
  // a landlord with several houses names the house before the item: `P00004 烟感`
  const withHouse = HOUSE_ITEM.exec(text);
  const named = withHouse ? ITEM_WORDS[withHouse[2]!] : undefined;
  if (withHouse && named) return { kind: 'item', item: named, houseCode: withHouse[1]!.toUpperCase() };
  for (const [re, build] of RULES) {
    const m = re.exec(text);
    if (!m) continue;
    const written: Written = (g) => {
      const [start, end] = m.indices![g]!;
      return cleaned.slice(from[start]!, from[end]!).trim();
    };
    return build(m, written);
  }
  return null;
}
