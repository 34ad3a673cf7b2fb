/**
 * Marks nobody sees but that change what is seen: controls (Unicode's Cc, U+0000–001F and
 * U+007F–009F, but not tab or newline), zero-width characters and bidi overrides (U+202E turns
 * "gpj.exe" into "exe.jpg"). Dropped from what people type and from everything the bot posts.
 */
export const INVISIBLE = /(?![\t\n])\p{Cc}|[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/**
 * Characters that are never seen but may sit between the digits of a number: every default-ignorable
 * and format character (soft hyphen U+00AD, combining grapheme joiner U+034F, the Arabic letter mark
 * U+061C, zero-width U+200B–U+200F, U+2060–U+2064, U+FEFF…), controls, and combining marks (a digit
 * struck through or in a keycap is still that digit).
 */
const UNSEEN = /^[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\p{M}]$/u;
/** What may stand between the digits of one number as people write them: spaces, dots, dashes of every kind, brackets, slashes, commas. */
const SEPARATOR = /^[\s\p{Zs}\p{Pd}\u2212.·•・‧:,、()[\]【】〔〕{}/\\|_~'"‘’“”+]$/u;
/** Chinese numerals as a phone number is read aloud or written out (幺 is 1 said on the phone; 壹…玖 the formal forms). */
const CJK_DIGITS: Record<string, string> = {
  〇: '0',
  零: '0',
  一: '1',
  幺: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
  壹: '1',
  贰: '2',
  叁: '3',
  肆: '4',
  伍: '5',
  陆: '6',
  柒: '7',
  捌: '8',
  玖: '9',
};
const ND = /^\p{Nd}$/u;
const ndValues = new Map<number, string>();
/**
 * The value of a decimal digit of any script (Arabic-Indic ١٣٨, Devanagari…): Unicode encodes every
 * such digit in a run of ten from 0 to 9, so its value is its distance from its run's start, mod 10.
 */
function digitOf(c: string): string | null {
  if (c >= '0' && c <= '9') return c;
  const cjk = CJK_DIGITS[c];
  if (cjk) return cjk;
  if (!ND.test(c)) return null;
  const cp = c.codePointAt(0)!;
  let v = ndValues.get(cp);
  if (v === undefined) {
    let zero = cp;
    while (zero > 0 && ND.test(String.fromCodePoint(zero - 1))) zero -= 1;
    v = String((cp - zero) % 10);
    ndValues.set(cp, v);
  }
  return v;
}

/** One character of the normalised text: a digit (or the X of an ID), a separator, or anything else; with where it came from. */
interface Mark {
  kind: 'digit' | 'x' | 'sep' | 'other';
  ch: string;
  start: number;
  end: number;
}

/** The text as a reader reads its numbers: NFKC per character (１ 𝟏 ① ⑴ → 1), unseen characters dropped, each mark pointing back to its source. */
function marksOf(text: string): Mark[] {
  const marks: Mark[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const raw = String.fromCodePoint(cp);
    const start = i;
    i += raw.length;
    if (raw !== '\n' && raw !== '\t' && UNSEEN.test(raw)) continue;
    for (const c of raw.normalize('NFKC')) {
      const d = digitOf(c);
      if (d !== null) marks.push({ kind: 'digit', ch: d, start, end: i });
      else if (c === 'X' || c === 'x') marks.push({ kind: 'x', ch: 'X', start, end: i });
      else if (SEPARATOR.test(c)) marks.push({ kind: 'sep', ch: c, start, end: i });
      else if (!UNSEEN.test(c)) marks.push({ kind: 'other', ch: c, start, end: i });
    }
  }
  return marks;
}

/** Digits written together (no separator between them): the pieces a number is written in. */
interface Piece {
  digits: string;
  start: number;
  end: number;
}

/**
 * Runs of pieces joined only by separators (`138 1234 5678`, `1 3 8…`, `(138)1234-5678`);
 * anything else (a letter, a word, a `#`, a `*` of a mask) ends a run. An X after digits
 * ends a piece (the check character of an ID), unless a letter follows it.
 */
function runsOf(marks: Mark[]): Piece[][] {
  const runs: Piece[][] = [];
  let run: Piece[] = [];
  let piece: Piece | null = null;
  const endRun = () => {
    if (run.length) runs.push(run);
    run = [];
  };
  for (const [k, m] of marks.entries()) {
    const next = marks[k + 1];
    // (`…123 X`: an X after the digits of a run, a separator between or not, is the ID's check character)
    const xEndsPiece = m.kind === 'x' && run.length > 0 && !(next?.kind === 'other' && /^[a-z]$/i.test(next.ch));
    if (m.kind === 'digit' || xEndsPiece) {
      if (!piece) {
        piece = { digits: '', start: m.start, end: m.end };
        run.push(piece);
      }
      piece.digits += m.ch;
      piece.end = m.end;
      if (m.kind === 'x') piece = null;
      continue;
    }
    piece = null;
    if (m.kind !== 'sep') endRun();
  }
  endRun();
  return runs;
}

type Kind = 'mobile' | 'landline' | 'id';
const MOBILE = /^(?:0086|86)?(1[3-9]\d{9})$/;
const LANDLINE = /^(010|02\d|0[3-9]\d{2})[2-9]\d{6,7}$/;
/** an ID with a birth date in it: 18 characters (the last may be X), or the old 15 digits */
const ID_18 = /^[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]$/;
const ID_15 = /^[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}$/;
const kindOf = (d: string): Kind | null =>
  MOBILE.test(d) ? 'mobile' : ID_18.test(d) || ID_15.test(d) ? 'id' : LANDLINE.test(d) ? 'landline' : null;

/** where the unseen characters after `at` end (a keycap's marks, a trailing zero-width space go with the number) */
function pastUnseen(text: string, at: number): number {
  let end = at;
  for (const c of text.slice(at)) {
    if (c === '\n' || c === '\t' || !UNSEEN.test(c)) break;
    end += c.length;
  }
  return end;
}

/** A phone or ID number found: the span of the original text it was written in, and its digits. */
interface Found {
  kind: Kind;
  digits: string;
  start: number;
  end: number;
}

/**
 * Every phone and ID number in the text, however written: within a run, the longest number
 * made of whole pieces from each piece on (digits glued to more digits are not a number of
 * their own: `2026120713812345678` is left alone, `20261207 13812345678` is not).
 */
function findPersonal(text: string): Found[] {
  const found: Found[] = [];
  for (const run of runsOf(marksOf(text))) {
    for (let i = 0; i < run.length;) {
      let best: { found: Found; last: number } | null = null;
      let digits = '';
      for (let j = i; j < run.length && digits.length + run[j]!.digits.length <= 18; j += 1) {
        digits += run[j]!.digits;
        const kind = kindOf(digits);
        if (kind) best = { found: { kind, digits, start: run[i]!.start, end: run[j]!.end }, last: j };
      }
      if (!best) {
        i += 1;
        continue;
      }
      found.push({ ...best.found, end: pastUnseen(text, best.found.end) });
      i = best.last + 1;
    }
  }
  return found;
}

/** A bracket or + written before a number belongs to it: `(138)12345678`, `+86 138…` are replaced whole. */
function widen(text: string, f: Found): number {
  const before = text.slice(0, f.start);
  const inside = text.slice(f.start, f.end);
  const open = /[(（]\s*$/.exec(before);
  if (open && /[)）]/.test(inside) && !/[(（]/.test(inside)) return open.index;
  const plus = /\+\s*$/.exec(before);
  if (plus && f.kind === 'mobile' && f.digits.length > 11) return plus.index;
  return f.start;
}

/** `138****5678`: enough for a staff member to recognise, useless to a stranger. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/**
 * Whether the text may hold the ten or more digits the shortest number (a landline) needs: ASCII
 * and Chinese digits count one each; ASCII, CJK ideographs and CJK or full-width punctuation
 * cannot be digits; any other character (another script's digit, a circled ⑳ or ㉑ that reads
 * as two, a vulgar fraction) counts four. Most texts (a reply, a log line) end here, unread.
 */
export function mayHoldNumber(text: string): boolean {
  let weight = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) weight += 1;
    else if (c < 0x80) continue;
    else if (c >= 0x4e00 && c <= 0x9fff) {
      if (!CJK_DIGITS[text[i]!]) continue;
      weight += 1;
    } else if (
      (c >= 0x3000 && c <= 0x303f && c !== 0x3007 && !(c >= 0x3021 && c <= 0x3029)) ||
      (c >= 0xff01 && c <= 0xff5e && !(c >= 0xff10 && c <= 0xff19))
    )
      continue;
    else weight += 4;
    if (weight >= 10) return true;
  }
  return false;
}

function replacePersonal(text: string, as: (f: Found) => string): string {
  if (!mayHoldNumber(text)) return text;
  const found = findPersonal(text);
  if (!found.length) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, widen(text, f)) + as(f);
    at = f.end;
  }
  return out + text.slice(at);
}

/** Replaces phone and ID numbers in log lines with a word: logs keep none of them. */
export function redactPersonal(text: string): string {
  return replacePersonal(text, (f) => (f.kind === 'id' ? '[ID]' : '[PHONE]'));
}

/**
 * The one masking of personal data, applied last on every way out (the outbox, logs): phone and ID
 * numbers become `138****5678`, `0571-****6666`, `110***********777X`, whoever typed them and
 * however — with separators of any kind, spaced digit by digit, in full-width, mathematical or
 * other scripts' digits, or with invisible characters anywhere. The text is read normalised (NFKC,
 * unseen characters dropped) to find them; what is not a number is returned exactly as written.
 */
export function maskPersonal(text: string): string {
  return replacePersonal(text, (f) => {
    const d = f.kind === 'mobile' ? f.digits.slice(-11) : f.digits;
    if (f.kind === 'mobile') return `${d.slice(0, 3)}****${d.slice(-4)}`;
    if (f.kind === 'landline') return `${LANDLINE.exec(d)![1]}-****${d.slice(-4)}`;
    return `${d.slice(0, 3)}${'*'.repeat(d.length - 7)}${d.slice(-4)}`;
  });
}

/**
 * Addresses in groups are shortened to the street number: "平山村东港路25号" → "东港路25号".
 * Takes the last road/lane name with its number; falls back to the trailing number.
 */
export function shortenAddress(address: string): string {
  const m = /([^\s省市区县镇乡村社区]{1,12}?(?:路|街|巷|道|弄|里|村|门|大道)\s*\d+\s*号)/u.exec(address);
  if (m?.[1]) return m[1];
  const n = /(\d+\s*号)/.exec(address);
  return n?.[1] ?? '';
}
