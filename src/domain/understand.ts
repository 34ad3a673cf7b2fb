import { pinyin } from 'pinyin-pro';
import { MAX_COMMAND_LENGTH, parseCommand, type Command } from './commands';
import {
  APPROVE_VERBS,
  BOT_NAMES,
  COMMIT_LEADS,
  COMMIT_TAILS,
  COMMIT_WORDS,
  ENDINGS,
  ITEM_FILLERS,
  ITEM_PHRASES,
  LEAD_INS,
  NOT_A_STATEMENT,
  NOT_AN_ITEM,
  PHRASINGS,
  RETURN_VERBS,
  SOUNDS_LIKE,
  type Phrasing,
  type When,
  type Who,
} from './phrasings';
import { INVISIBLE } from './privacy';
import type { ChecklistItem } from './types';

/** What a message means, for whom it counts and when (the table's columns travel with it). */
export interface Understood {
  command: Command;
  who: Who;
  when: When;
}
/** Where it was said: `addressed` in a private chat, or when the bot is @mentioned. */
export interface Situation {
  addressed: boolean;
}

// ---- normalising ---------------------------------------------------------------------------

/** emoji (with skin tones, joiners, variation selectors, keycaps) and WeChat's `[玫瑰]` `[强]` codes */
const EMOJI =
  /\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]|\u{1F3FB}|\u{1F3FC}|\u{1F3FD}|\u{1F3FE}|\u{1F3FF}|\u{FE0E}|\u{FE0F}|\u{200D}|\u{20E3}|\[[\p{Script=Han}a-z]{1,8}\]/giu;
const HAN = /\p{Script=Han}/u;
const PUNCT_OR_SPACE = /[\p{P}\p{S}\s\u2005\u3000]+/gu;
const LEADING_MENTION = /^\s*(?:[@＠][^\s\u2005]{1,40}[\s\u2005]+)+/u;

/**
 * Traditional → simplified one character at a time, each looked up in OpenCC once: a message
 * costs a few map lookups, not a converter pass (about 20 µs). Word-level conversions are lost,
 * which the command words do not need.
 */
let toSimplified: ((text: string) => string) | null = null;
const simplifiedOf = new Map<string, string>();
function simplify(ch: string): string {
  let s = simplifiedOf.get(ch);
  if (s === undefined) {
    // opencc-js is an ES module; its CommonJS (UMD) build is loaded, on first need (its dictionaries are large)
    toSimplified ??= (require('opencc-js') as OpenCCModule).Converter({ from: 't', to: 'cn' }); // eslint-disable-line @typescript-eslint/no-require-imports
    s = toSimplified(ch);
    simplifiedOf.set(ch, s);
  }
  return s;
}
interface OpenCCModule {
  Converter(o: { from: string; to: string }): (text: string) => string;
}

/** Toneless pinyin per character, computed once per character. */
const pinyinOf = new Map<string, string>();
function sound(ch: string): string {
  let s = pinyinOf.get(ch);
  if (s === undefined) {
    s = HAN.test(ch) ? pinyin(ch, { toneType: 'none' }) : ch;
    pinyinOf.set(ch, s);
  }
  return s;
}

/**
 * The message as the table is written: full/half width folded (NFKC), lower case,
 * traditional made simplified, emoji and [表情] codes removed. `spaced` keeps one space
 * between words (none between Chinese characters: `我 承 诺` is 我承诺); `compact` has no
 * spaces and no punctuation at all.
 */
export function normalise(raw: string): { spaced: string; compact: string } {
  const folded = raw.replace(INVISIBLE, '').replace(LEADING_MENTION, '').normalize('NFKC').toLowerCase().replace(EMOJI, ' ');
  let simple = '';
  for (const ch of folded) simple += ch.charCodeAt(0) >= 0x2e80 ? simplify(ch) : ch;
  const spaced = simple
    .replace(/\s+/gu, ' ')
    .replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '')
    .trim();
  return { spaced, compact: spaced.replace(PUNCT_OR_SPACE, '') };
}

// ---- the tables, made into lookups once ----------------------------------------------------

const WHOLE = new Map<string, Phrasing>();
for (const p of PHRASINGS) for (const s of p.say) if (!WHOLE.has(s)) WHOLE.set(s, p);
const ITEM_OF = new Map<string, ChecklistItem>();
for (const [item, words] of Object.entries(ITEM_PHRASES) as [ChecklistItem, readonly string[]][])
  for (const w of words) ITEM_OF.set(w, item);
const alt = (words: readonly string[]) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
const ITEM_WORD = new RegExp(alt([...ITEM_OF.keys()]), 'u');
const FILLERS = new RegExp(`^(?:${alt(ITEM_FILLERS)})*$`, 'u');
const COMMIT_SENTENCE = new RegExp(`^(?:${alt(COMMIT_LEADS)})*(?:${alt(COMMIT_WORDS)})(?:${alt(COMMIT_TAILS)})*$`, 'u');
const LEAD = new RegExp(`^(?:${alt([...BOT_NAMES, ...LEAD_INS])})+`, 'u');
const BOT_NAME = new RegExp(`^(?:${alt(BOT_NAMES)})`, 'u');
const ENDING = new RegExp(`(?:${alt(ENDINGS)})+$`, 'u');
const SOUNDS = Object.entries(SOUNDS_LIKE).map(([word, says]) => ({ word, says: new Set(says) }));
const CODE = /^(?=[a-z_-]*\d)[a-z0-9][a-z0-9_-]{1,23}$/;
const APPROVE = new Set(APPROVE_VERBS);
const RETURN = new Set(RETURN_VERBS);
/** a 接龙 line: its number and the name people put before their words (`2. 李伯 我承诺`) */
const CHAIN_LINE = /^\d{1,3}(?:\p{Script=Han}{1,4}?)(?=我|本人|承诺|保证)/u;
/** the longest message that is still a short statement (commitment, item) rather than a paragraph */
const SHORT = 24;

// ---- matching ------------------------------------------------------------------------------

const said = (command: Command, who: Who = 'anyone', when: When = 'always'): Understood => ({ command, who, when });

/** the command words' homophone slips put right (`成诺` → 承诺), or null when there were none */
function respelled(compact: string): string | null {
  if (compact.length > SHORT || !HAN.test(compact)) return null;
  const chars = [...compact];
  let changed = false;
  for (let i = 0; i + 1 < chars.length; i += 1) {
    const pair = `${sound(chars[i]!)} ${sound(chars[i + 1]!)}`;
    for (const { word, says } of SOUNDS) {
      if (says.has(pair) && chars[i]! + chars[i + 1]! !== word) {
        chars.splice(i, 2, ...word);
        changed = true;
      }
    }
  }
  return changed ? chars.join('') : null;
}

/** `通过 PD0001 PD0002`, `PD0001通过`, `退回 PD0001` (no reason: the handler asks for one) */
function review(spaced: string): Command | null {
  const tokens = spaced
    .replace(/(?<=\p{Script=Han})(?=[a-z0-9])|(?<=[a-z0-9])(?=\p{Script=Han})/gu, ' ')
    .replace(/[^\p{L}\p{N}_-]+/gu, ' ')
    .trim()
    .split(' ')
    .map((t) => t.replace(ENDING, ''));
  if (tokens.length < 2) return null;
  const verbFirst = APPROVE.has(tokens[0]!) || RETURN.has(tokens[0]!);
  const verb = verbFirst ? tokens[0]! : tokens.at(-1)!;
  const codes = verbFirst ? tokens.slice(1) : tokens.slice(0, -1);
  if (!codes.every((c) => CODE.test(c))) return null;
  const houseCodes = [...new Set(codes.map((c) => c.toUpperCase()))];
  if (APPROVE.has(verb))
    return { kind: 'approve', houseCode: houseCodes[0]!, ...(houseCodes.length > 1 ? { more: houseCodes.slice(1) } : {}) };
  if (RETURN.has(verb) && houseCodes.length === 1) return { kind: 'return', houseCode: houseCodes[0]!, reason: '' };
  return null;
}

/** An item word alone or with only filler words (strict), or inside a short sentence (only when waiting). */
function item(compact: string): Understood | null {
  const exact = ITEM_OF.get(compact);
  if (exact) return said({ kind: 'item', item: exact }, 'landlord');
  if (compact.length > 16 || NOT_A_STATEMENT.test(compact) || NOT_AN_ITEM.test(compact)) return null;
  const m = ITEM_WORD.exec(compact);
  if (!m) return null;
  const rest = compact.slice(0, m.index) + compact.slice(m.index + m[0].length);
  // a second item word is two items: not one answer
  if (ITEM_WORD.test(rest)) return null;
  const named: Command = { kind: 'item', item: ITEM_OF.get(m[0])! };
  return FILLERS.test(rest) ? said(named, 'landlord') : said(named, 'landlord', 'waiting');
}

/** the table's whole phrasings, then a commitment in more words, then item words */
function byTable(compact: string, addressed: boolean): Understood | null {
  const p = WHOLE.get(compact);
  if (p && (p.when !== 'addressed' || addressed)) return said(p.means, p.who, p.when);
  if (p) return null;
  if (compact.length <= SHORT && !NOT_A_STATEMENT.test(compact)) {
    const line = compact.replace(CHAIN_LINE, '');
    // `承诺书` is the letter, not a promise
    if (COMMIT_SENTENCE.test(line) && !/^(?:我|本人)?承诺书/u.test(line)) return said({ kind: 'commit', soft: true }, 'landlord');
  }
  return item(compact);
}

/** A 接龙 (a numbered list each adds their line to): the sender's words are the last line. */
function chainLast(raw: string): string | null {
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length < 2 || !(/接龙/.test(lines[0]!) || /^\d{1,3}\s*[.、．)）]/.test(lines[0]!))) return null;
  return lines.at(-1)!;
}

/**
 * One understanding step before the command table: the message normalised, then matched
 * against the strict command grammar, the head's review words and the phrasing table
 * (with homophone slips of the command words put right). Null is ordinary chat: silence in a
 * group. Addressed (a private chat, an @mention, `机器人…`), what cannot be placed is a
 * question about the speaker (`ask`/`unknown`), so nobody speaking to the bot meets silence.
 * Never throws.
 */
export function understand(raw: unknown, situation: Situation): Understood | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_COMMAND_LENGTH * 4) return null;
  const last = chainLast(raw);
  if (last) {
    const u = understand(last, { addressed: false });
    return u?.command.kind === 'commit' ? said({ kind: 'commit', soft: true }, 'landlord') : null;
  }
  const { spaced, compact } = normalise(raw);
  // reactions (👍 ? 哈哈 is chat below), emoji, a lone "?": nothing to place, whoever is asked
  if (compact.length === 0) return null;
  const addressed = situation.addressed || BOT_NAME.test(compact);
  const strict = parseCommand(raw) ?? parseCommand(spaced);
  if (strict) return said(strict, strict.kind === 'item' || strict.kind === 'menuNumber' ? 'landlord' : 'anyone');
  const reviewed = review(spaced);
  if (reviewed) return said(reviewed, 'reviewer');
  if (compact.length <= MAX_COMMAND_LENGTH) {
    const bare = compact.replace(LEAD, '').replace(ENDING, '') || compact;
    const found = byTable(bare, addressed) ?? byTable(compact, addressed);
    if (found) return found;
    const fixed = respelled(bare);
    const slip = fixed ? (parseCommand(fixed) ?? null) : null;
    if (slip) return said(slip.kind === 'commit' ? { kind: 'commit', soft: true } : slip, slip.kind === 'commit' ? 'landlord' : 'anyone');
    const again = fixed ? byTable(fixed, addressed) : null;
    if (again) return again;
  }
  return addressed ? said({ kind: 'ask', topic: 'unknown' }) : null;
}
