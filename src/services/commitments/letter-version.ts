import type { Store } from '../../storage/store';

/**
 * The newest commitment letter's version (null before the first): what `我承诺` commits to
 * and what the tallies count. Reads the versions alone — a letter's texts, in every
 * language, are long, and this is asked on most landlord messages.
 */
export async function currentLetterVersion(store: Store): Promise<number | null> {
  const versions = await store.letters.distinct('version', {});
  return versions.length ? Math.max(...versions) : null;
}
