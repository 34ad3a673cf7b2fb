import { DomainError } from '../../domain/errors';
import type { RowError } from '../../domain/roster';
import type { RosterWarning } from '../../storage/roster-stage';
import type { Deps } from '../deps';
import { onePerRow, type ParsedRoster } from './parse-roster-file';
import { MAX_LISTED_ERRORS } from './roster-worker-protocol';

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  errors: RowError[];
}

/**
 * Imports a roster already read and validated in memory (the demo's, tests' and small files'):
 * through the Store's roster stage, as a file's import (`runRosterImport`) does, so both give
 * the same outcomes, audit entry and warnings. A roster with any bad row (or one found across
 * rows by the stage: a grid of another community) changes nothing: it throws `roster_rows`
 * with every bad row. Re-importing the same roster reports everything unchanged.
 */
export async function importRoster(
  { store, log }: Deps,
  roster: ParsedRoster,
  options: { actor: string } = { actor: 'system' },
): Promise<ImportResult & { warnings: RosterWarning[] }> {
  if (roster.errors.length) {
    throw new DomainError('roster_rows', `${roster.errors.length} bad rows`, { count: roster.errors.length }, { errors: roster.errors });
  }
  const stage = await store.roster.stage();
  try {
    await stage.add(roster.rows);
    const cross = await stage.check(MAX_LISTED_ERRORS);
    if (cross.rows)
      throw new DomainError('roster_rows', `${cross.rows} bad rows`, { count: cross.rows }, { errors: onePerRow(cross.errors) });
    const applied = await stage.apply(options.actor);
    log.info({ rows: roster.rows.length, created: applied.created, updated: applied.updated }, 'roster imported');
    return { ...applied, errors: [] };
  } finally {
    await stage.close();
  }
}
