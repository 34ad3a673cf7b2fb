/**
 * A streaming scanner for the XML of a workbook's parts: elements, their attributes and text, in
 * the order they come, fed in chunks. It reads the XML that spreadsheet programs write — no DTD
 * (a `<!DOCTYPE` is refused, so no entity can be declared: no XXE, no billion laughs), the five
 * predefined entities and character references, CDATA, comments and processing instructions
 * skipped — and does not check that tags match: the caller reads only the elements it knows. It
 * does count them: XML that ends with elements still open (a part cut short) is an error at `end`.
 *
 * Why not saxes (exceljs's parser): a 100,000-row sheet is 48 MB of XML, and decoding all of it
 * to text, then saxes' checks and objects per tag and attribute, made reading it take longer than
 * storing its rows. This scanner works on the bytes: it finds `<`, `>` and quotes, and decodes
 * only names, attribute text and the text between tags.
 *
 * Bounded: a chunk is scanned once. Text between tags is handed on in pieces, up to the chunk's
 * end (but for a character or an entity cut in two): a long cell's text is the same wherever
 * the chunks fall (Excel allows 32,767 characters, up to 128 KB of UTF-8; a 256 KB chunk's end
 * may fall anywhere in it). What is left unfinished of an element (a tag, a comment, CDATA) is
 * carried into the next chunk, at most `maxCarry` bytes, else `XmlError`.
 */
export class XmlError extends Error {}

export interface XmlHandler {
  /** an element opened: `name` without its prefix (`x:row` → `row`), `attrs` its attributes (see `attr`; valid during the call only) */
  open(name: string, attrs: Attrs, selfClosing: boolean): void;
  /** an element closed (also right after `open` of a self-closing one) */
  close(name: string): void;
  /** text between tags (or a CDATA section), entities decoded; one text may come in several pieces */
  text(t: string): void;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const QUOT = 34;
const APOS = 39;
const AMP = 38; // &
const SEMICOLON = 59;
const BANG = 33;
const QUESTION = 63;

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Text with its entities and character references decoded; an unknown entity is an error (no DTD declares any). */
export function decodeXml(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&([^;&]{0,10});/g, (_, e: string) => {
    if (e.charCodeAt(0) === 35) {
      // #
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) throw new XmlError(`bad character reference &${e};`);
      return String.fromCodePoint(code);
    }
    const named = NAMED[e];
    if (named === undefined) throw new XmlError(`unknown entity &${e};`);
    return named;
  });
}

/**
 * An element's attributes, as bytes of the chunk being scanned: valid only during `open` (the
 * scanner reuses it), read with `attr`. Most elements' attributes are never looked at, and a
 * sheet has millions: they stay bytes.
 */
export interface Attrs {
  buf: Buffer;
  from: number;
  to: number;
}

/** The value of attribute `name` (prefixes ignored: `r:id` answers `id`), decoded; undefined if absent. */
export function attr(a: Attrs, name: string): string | undefined {
  const at = attrAt(a, name);
  return at < 0 ? undefined : decodeXml(utf8(a.buf, at, a.buf.indexOf(a.buf[at - 1]!, at)));
}

/**
 * Where the value of attribute `name` begins in `a.buf` (it ends at the quote that opened it,
 * `a.buf[at - 1]`), or -1 if absent: for a value read as bytes, never made a string (a sheet's
 * cells have millions of them).
 */
export function attrAt(a: Attrs, name: string): number {
  const { buf, to } = a;
  let i = a.from;
  while (i < to) {
    while (i < to && buf[i]! <= 32) i += 1;
    if (i >= to) return -1;
    let start = i;
    while (i < to && buf[i] !== 61 && buf[i]! > 32) {
      if (buf[i] === 58) start = i + 1;
      i += 1;
    } // name (=, or space; after a prefix's colon)
    const end = i;
    while (i < to && buf[i]! <= 32) i += 1;
    if (buf[i] !== 61) return -1; // not name="value": nothing more to read
    i += 1;
    while (i < to && buf[i]! <= 32) i += 1;
    const q = buf[i];
    if (q !== QUOT && q !== APOS) return -1;
    const value = i + 1;
    i = value;
    while (i < to && buf[i] !== q) i += 1;
    if (i >= to) return -1;
    i += 1;
    if (end - start !== name.length) continue;
    let k = 0;
    while (k < name.length && buf[start + k] === name.charCodeAt(k)) k += 1;
    if (k === name.length) return value;
  }
  return -1;
}

export class XmlScanner {
  private carry: Buffer | null = null;
  /** elements opened and not yet closed */
  private depth = 0;
  private readonly attrs: Attrs = { buf: Buffer.alloc(0), from: 0, to: 0 };

  constructor(
    private readonly on: XmlHandler,
    private readonly maxCarry: number,
  ) {}

  /**
   * Scans a chunk of UTF-8 bytes. Only text and attributes are decoded (a sheet's markup is
   * most of its bytes, and stays bytes); a text or tag cut by the chunk's end waits for the next.
   */
  write(chunk: Buffer): void {
    const s = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    const n = s.length;
    let i = 0;
    while (i < n) {
      const lt = s.indexOf(LT, i);
      if (lt < 0) {
        // text to the chunk's end: handed on but for a character or an entity the chunk cuts, which waits for the rest
        const cut = textEnd(s, i, n);
        if (cut > i) this.on.text(decodeXml(utf8(s, i, cut)));
        this.keep(s, cut);
        return;
      }
      if (lt > i) this.on.text(decodeXml(utf8(s, i, lt)));
      i = lt;
      if (i + 1 >= n) {
        this.keep(s, i);
        return;
      }
      const c = s[i + 1]!;
      if (c === BANG) {
        if (startsWith(s, i, COMMENT)) {
          const end = s.indexOf('-->', i + 4);
          if (end < 0) {
            this.keep(s, i);
            return;
          }
          i = end + 3;
        } else if (startsWith(s, i, CDATA)) {
          const end = s.indexOf(']]>', i + 9);
          if (end < 0) {
            this.keep(s, i);
            return;
          }
          this.on.text(utf8(s, i + 9, end));
          i = end + 3;
        } else if (
          n - i < CDATA.length &&
          (CDATA.subarray(0, n - i).equals(s.subarray(i)) || COMMENT.subarray(0, Math.min(n - i, 4)).equals(s.subarray(i, i + 4)))
        ) {
          this.keep(s, i);
          return;
        } else {
          throw new XmlError('a DTD or declaration (<!…) is not allowed in a workbook part');
        }
        continue;
      }
      if (c === QUESTION) {
        const end = s.indexOf('?>', i + 2);
        if (end < 0) {
          this.keep(s, i);
          return;
        }
        i = end + 2;
        continue;
      }
      if (c === SLASH) {
        const end = s.indexOf(GT, i + 2);
        if (end < 0) {
          this.keep(s, i);
          return;
        }
        this.on.close(nameAt(s, i + 2, end));
        this.depth -= 1;
        i = end + 1;
        continue;
      }
      // an opening tag: its end is the first > outside quotes
      let j = i + 1;
      let q = 0;
      for (; j < n; j += 1) {
        const ch = s[j]!;
        if (q) {
          if (ch === q) q = 0;
        } else if (ch === GT) break;
        else if (ch === QUOT || ch === APOS) q = ch;
        else if (ch === LT) throw new XmlError('< inside a tag');
      }
      if (j >= n) {
        this.keep(s, i);
        return;
      }
      const selfClosing = s[j - 1] === SLASH;
      const last = selfClosing ? j - 1 : j;
      let k = i + 1;
      while (k < last) {
        const ch = s[k]!;
        if (ch <= 32 || ch === SLASH) break;
        k += 1;
      }
      if (k === i + 1) throw new XmlError('a tag without a name');
      const name = nameAt(s, i + 1, k);
      this.attrs.buf = s;
      this.attrs.from = k;
      this.attrs.to = last;
      this.on.open(name, this.attrs, selfClosing);
      if (selfClosing) this.on.close(name);
      else this.depth += 1;
      i = j + 1;
    }
  }

  /** At the end of the input: nothing may be left unfinished but blank text, and no element open (a part cut short would lose what followed). */
  end(): void {
    if (this.carry && this.carry.toString('utf8').trim()) throw new XmlError('the XML ends inside a tag');
    if (this.depth > 0) throw new XmlError(`the XML ends with ${this.depth} element(s) still open`);
  }

  private keep(s: Buffer, from: number): void {
    if (from >= s.length) return;
    if (s.length - from > this.maxCarry) throw new XmlError(`an element longer than ${this.maxCarry} bytes`);
    this.carry = Buffer.from(s.subarray(from)); // (a copy: the chunk it came from is not kept alive)
  }
}

/** the longest entity or character reference (`&#x10FFFF;`, with room to spare) */
const MAX_ENTITY = 12;

/**
 * Where text running from `from` to the chunk's end `n` may be cut: before an entity not yet
 * closed by its `;`, and before a UTF-8 character whose bytes the chunk does not all hold.
 */
function textEnd(s: Buffer, from: number, n: number): number {
  let cut = n;
  const amp = s.lastIndexOf(AMP, n - 1);
  if (amp >= from && amp > n - MAX_ENTITY && s.indexOf(SEMICOLON, amp) < 0) cut = amp;
  // the last character's first byte: back over continuation bytes (10xxxxxx), at most three
  let lead = cut - 1;
  while (lead >= from && lead > cut - 4 && (s[lead]! & 0xc0) === 0x80) lead -= 1;
  if (lead >= from) {
    const b = s[lead]!;
    const size = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (lead + size > cut) cut = lead;
  }
  return cut;
}

const COMMENT = Buffer.from('<!--');
const CDATA = Buffer.from('<![CDATA[');
const startsWith = (s: Buffer, at: number, what: Buffer): boolean =>
  s.length - at >= what.length && s.compare(what, 0, what.length, at, at + what.length) === 0;

/**
 * Buffer's own slicers, without toString's checks and switch (a sheet calls them millions of
 * times). They are not Node's public API: when a Node version lacks them, toString does the same.
 */
interface Slicers {
  utf8Slice?(from: number, to: number): string;
  latin1Slice?(from: number, to: number): string;
}
const proto = Buffer.prototype as unknown as Slicers;
type Slice = (s: Buffer, from: number, to: number) => string;
/** `own` when Buffer has it and it slices as toString does, else toString with `encoding` */
export const slicer = (own: Slicers['utf8Slice'], encoding: 'utf8' | 'latin1'): Slice => {
  const probe = Buffer.from('<安>', 'utf8');
  const works =
    typeof own === 'function' &&
    (() => {
      try {
        return own.call(probe, 1, probe.length - 1) === probe.toString(encoding, 1, probe.length - 1);
      } catch {
        return false;
      }
    })();
  return works ? (s, from, to) => own.call(s, from, to) : (s, from, to) => s.toString(encoding, from, to);
};
const utf8: Slice = slicer(proto.utf8Slice, 'utf8');
const latin1: Slice = slicer(proto.latin1Slice, 'latin1');

/** names seen, by a hash of their bytes: a sheet has a handful of names, met millions of times, made into a string once */
const names = new Map<number, { bytes: Buffer; name: string }[]>();
/** names of one to three bytes (`c`, `v`, `t`, `is`, `row`: most of a sheet's), by their bytes packed in a number */
const short = new Map<number, string>();

/** An element's name, bytes `from` to `to`, without its prefix (`x:row` → `row`). */
function nameAt(s: Buffer, from: number, to: number): string {
  let end = to;
  while (end > from && s[end - 1]! <= 32) end -= 1;
  let start = from;
  let hash = end - from;
  for (let k = from; k < end; k += 1) {
    const b = s[k]!;
    if (b === 58) {
      start = k + 1;
      hash = end - start;
    } else hash = (hash * 31 + b) | 0;
  }
  if (end - start <= 3) {
    let key = end - start;
    for (let k = start; k < end; k += 1) key = key * 256 + s[k]!;
    let name = short.get(key);
    if (name === undefined) {
      name = latin1(s, start, end);
      if (short.size < 4096) short.set(key, name);
    }
    return name;
  }
  const seen = names.get(hash);
  if (seen) {
    for (const e of seen) {
      if (e.bytes.length !== end - start) continue;
      let k = 0;
      while (k < e.bytes.length && e.bytes[k] === s[start + k]) k += 1;
      if (k === e.bytes.length) return e.name;
    }
  }
  const name = latin1(s, start, end);
  if (names.size < 4096) {
    const list = seen ?? [];
    list.push({ bytes: Buffer.from(s.subarray(start, end)), name });
    if (!seen) names.set(hash, list);
  }
  return name;
}
