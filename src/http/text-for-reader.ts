import type { Actor } from '../domain/policy';
import { maskPersonal } from '../domain/privacy';

/**
 * Free text as a reader of the API sees it (issue 30): what people typed — a hazard's
 * description, a return reason, a name, an address — reaches a head (户长, who reads their
 * group through a token) through the one `maskPersonal`, so a phone or ID number typed into it
 * is masked however it was written; staff and admins see it as stored.
 */
export const textFor =
  (actor: Pick<Actor, 'role'> | undefined) =>
  (text: string): string =>
    actor?.role === 'head' ? maskPersonal(text) : text;

/** `row` with each of `fields` (those that are strings) as `textFor(actor)` gives them. */
export function textsFor<R extends Record<string, unknown> | object>(
  actor: Pick<Actor, 'role'> | undefined,
  row: R,
  fields: readonly string[],
): R {
  if (actor?.role !== 'head') return row;
  const out = { ...row } as Record<string, unknown>;
  for (const f of fields) if (typeof out[f] === 'string') out[f] = maskPersonal(out[f] as string);
  return out as R;
}
