import type { Id } from '../../domain/types';
import type { Deps } from '../deps';

/** Where an audit entry is filed: the place of the record it is about (none: street-wide). */
export interface AuditPlace {
  communityId?: Id | null;
  gridId?: Id | null;
  groupId?: Id | null;
}

/** Writes one audit entry, filed where the record sits (`at`: the record itself, or its place), so staff read their own scope's. */
export async function audit(
  { store }: Pick<Deps, 'store'>,
  e: { actor: string; action: string; target: string; detail: Record<string, unknown>; at?: AuditPlace },
): Promise<void> {
  const at = e.at ? { communityId: e.at.communityId ?? null, gridId: e.at.gridId ?? null, groupId: e.at.groupId ?? null } : {};
  await store.audit.insert({ actor: e.actor, action: e.action, target: e.target, detail: e.detail, ...at });
}
