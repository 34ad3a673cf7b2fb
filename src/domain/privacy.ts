const MOBILE_RE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g;
const ID_CARD_RE = /(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;

/** `138****5678`: enough for a staff member to recognise, useless to a stranger. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Replaces mobile and ID-card numbers in free text (log lines, group messages). */
export function redactPersonal(text: string): string {
  return text.replace(ID_CARD_RE, '[ID]').replace(MOBILE_RE, '[PHONE]');
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
