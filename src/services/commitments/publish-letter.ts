import type { Group, Letter } from '../../domain/types';
import type { Deps } from '../deps';

/**
 * `POST /letters`: a new commitment letter version. Commitments to earlier versions stop
 * counting, so every bound room is told to commit again.
 */
export async function publishLetter(deps: Deps, input: { texts: Letter['texts']; by: string }): Promise<{ letter: Letter; rooms: Group[] }> {
  const { store, clock } = deps;
  for (let attempt = 0; ; attempt += 1) {
    const latest = await store.letters.findOne({}, { version: -1 });
    try {
      const letter = await store.letters.insert({ version: (latest?.version ?? 0) + 1, texts: input.texts, publishedAt: clock.now() });
      await store.audit.insert({ actor: input.by, action: 'publish_letter', target: `letter:${letter.version}`, detail: {} });
      return { letter, rooms: await store.groups.find({ roomId: { ne: null } }) };
    } catch (e) {
      // two publishers at once: the loser takes the next number
      if ((e as { code?: string }).code !== 'conflict' || attempt >= 3) throw e;
    }
  }
}
