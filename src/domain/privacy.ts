/**
 * Marks nobody sees but that change what is seen: controls (Unicode's Cc, U+0000–001F and
 * U+007F–009F, but not tab or newline), zero-width characters and bidi overrides (U+202E turns
 * "gpj.exe" into "exe.jpg"). Dropped from what people type and from everything the bot posts.
 */
export const INVISIBLE = /(?![\t\n])\p{Cc}|[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

const MOBILE_RE = /(?<![\d*])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?![\d*])/g;
/**
 * 18-digit (last may be X) and old 15-digit ID numbers standing alone, also written in the
 * groups people read them in (`110101 19900307 123X`: region, birth date, sequence)
 */
const ID_CARD_RE = /(?<![0-9A-Za-z*])(?:\d{17}[\dXx]|\d{15}|\d{6}[- ]\d{8}[- ]?\d{3}[\dXx]|\d{6}[- ]?\d{8}[- ]\d{3}[\dXx]|\d{6}[- ]\d{6}[- ]?\d{3}|\d{6}[- ]?\d{6}[- ]\d{3})(?![0-9A-Za-z*])/g;
/** full-width digits (１３８…) and letters X/x, as a Chinese keyboard types them: read as their ASCII selves */
const FULL_WIDTH_RE = /[\uFF10-\uFF19\uFF38\uFF58]/g;
const halfWidth = (text: string): string => text.replace(FULL_WIDTH_RE, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
/** landlines with their area code: 0571-88886666, (010)12345678, 021 12345678 */
const LANDLINE_RE = /(?<![\d*])(\(0\d{2,3}\)|0\d{2,3})[- ]?\d{3,4}[- ]?(\d{4})(?![\d*])/g;

/** `138****5678`: enough for a staff member to recognise, useless to a stranger. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

function replacePersonal(text: string, as: { id: (m: string) => string; phone: (head: string, tail: string) => string; landline: (area: string, tail: string) => string }): string {
  return halfWidth(text)
    .replace(ID_CARD_RE, (m) => as.id(m.replace(/[- ]/g, '')))
    .replace(MOBILE_RE, (_m, head: string, tail: string) => as.phone(head, tail))
    .replace(LANDLINE_RE, (_m, area: string, tail: string) => as.landline(area, tail));
}

/** Replaces phone and ID numbers in log lines with a word: logs keep none of them. */
export function redactPersonal(text: string): string {
  return replacePersonal(text, { id: () => '[ID]', phone: () => '[PHONE]', landline: () => '[PHONE]' });
}

/**
 * Masks phone and ID numbers in what the bot posts to a group (`138****5678`,
 * `0571-****6666`, `110***********777X`), whoever typed them: readers see a number was
 * given, not the number.
 */
export function maskPersonal(text: string): string {
  return replacePersonal(text, {
    id: (m) => `${m.slice(0, 3)}${'*'.repeat(m.length - 7)}${m.slice(-4)}`,
    phone: (head, tail) => `${head}****${tail}`,
    landline: (area, tail) => `${area}-****${tail}`,
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
