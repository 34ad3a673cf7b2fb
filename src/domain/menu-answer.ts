/**
 * Menu answers several at once: `1 2 3`, `1，3，2`, `1、2、3` answer the photos of a burst
 * oldest first (issue 25). Only digits 1–7 between separators count: `123` or `666` stay
 * chat (666 is praise), and a lone `3` is the command table's own rule.
 */
const LIST = /^[1-7](?:[ ,，、;；/]+[1-7]){1,8}$/u;

/** The menu numbers of an already folded message (full-width digits are half-width), or null when it is not such a list. */
export function parseMenuNumbers(folded: string): number[] | null {
  if (!LIST.test(folded)) return null;
  return folded.split(/[ ,，、;；/]+/u).map(Number);
}
