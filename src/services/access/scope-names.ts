import { DomainError } from '../../domain/errors';
import { formatScope, type PlacedScope } from '../../domain/scope';
import type { Deps } from '../deps';
import { resolveScope } from './resolve-scope';

type Level = 'community' | 'grid' | 'group';
const LEVELS: readonly Level[] = ['community', 'grid', 'group'];
/** A scope people type: `street`, `community:<id>`, `community:平山村`, or a bare name such as `平山村第1网格`. */
const TYPED = /^(?:(community|grid|group)[:：])?(.{1,64})$/su;

export interface NamedScope extends PlacedScope {
  label: string;
  name: string;
}
/** One way to read an ambiguous name, and how to say it unambiguously. */
export interface ScopeChoice {
  scope: string;
  level: Level;
  name: string;
  say: string;
}

const placedOf = (level: Level, r: { id: string; communityId?: string; gridId?: string }): PlacedScope =>
  level === 'community'
    ? { level, communityId: r.id }
    : level === 'grid'
      ? { level, communityId: r.communityId, gridId: r.id }
      : { level, communityId: r.communityId, gridId: r.gridId, groupId: r.id };

/**
 * A scope by id or by name (SPEC §6, issue 9): `community:平山村`, `平山村`, `group:<id>`. A name
 * that several records answer to is `scope_ambiguous`, with each reading and how to say it.
 * `visible`: the places the caller may know of (a scoped caller's); the others do not exist here
 * — an id or name of one is `not_found`, and an ambiguous name lists only visible readings
 * (issue 30: an error never tells a scoped caller of records outside their scope).
 */
export async function resolveScopeName(
  { store }: Pick<Deps, 'store'>,
  input: string,
  visible: (place: PlacedScope) => boolean = () => true,
): Promise<NamedScope> {
  const text = input.trim();
  if (text === '' || text === 'street' || text === '全街道' || text === '街道') return { level: 'street', label: 'street', name: 'street' };
  const m = TYPED.exec(text);
  // `house:1` and the like: a level we do not have is a malformed scope, not a name
  if (!m || (!m[1] && /^[A-Za-z]+[:：]/.test(text)))
    throw new DomainError('scope_invalid', `invalid scope "${text.slice(0, 80)}"`, { scope: text.slice(0, 80) });
  const level = m[1] as Level | undefined;
  const key = m[2]!.trim();
  // an id first (ids are what scripts send), then names
  if (level && /^[A-Za-z0-9_-]{1,64}$/.test(key)) {
    const byId = await resolveScope(store, `${level}:${key}`).catch(() => null);
    if (byId && visible(byId)) return { ...byId, label: `${level}:${key}`, name: key };
  }
  const found: { level: Level; r: { id: string; name: string; communityId?: string; gridId?: string } }[] = [];
  for (const l of level ? [level] : LEVELS) {
    const coll = l === 'community' ? store.communities : l === 'grid' ? store.grids : store.groups;
    for (const r of await (coll as typeof store.grids).find({ name: key } as never, { limit: 20 }))
      if (visible(placedOf(l, r))) found.push({ level: l, r });
  }
  if (found.length === 0) throw new DomainError('not_found', `scope ${text.slice(0, 80)} not found`, { what: text.slice(0, 80) });
  if (found.length === 1) {
    const { level: l, r } = found[0]!;
    return { ...placedOf(l, r), label: formatScope({ level: l, id: r.id }), name: r.name };
  }
  const perLevel = (l: Level) => found.filter((f) => f.level === l).length;
  const choices: ScopeChoice[] = found.map(({ level: l, r }) => ({
    scope: formatScope({ level: l, id: r.id }),
    level: l,
    name: r.name,
    say: perLevel(l) === 1 ? `${l}:${r.name}` : formatScope({ level: l, id: r.id }),
  }));
  throw new DomainError(
    'scope_ambiguous',
    `scope ${text.slice(0, 80)} is ambiguous`,
    { name: key, choices: choices.map((c, i) => `${i + 1}. ${c.say}`).join('\n') },
    { choices },
  );
}
