import type { Deps } from '../deps';
import { createIntent, findIntent, takeIntent, type Said } from '../conversation/intents';

/**
 * The bot asked this person to commit (at registration, or in a personal answer): for the
 * next while, `好的`/`收到`/`嗯` from them is taken as an answer to that (SPEC §3 intents).
 */
export async function askToCommit(deps: Deps, said: Said): Promise<void> {
  if (!said.contactId) return;
  await createIntent(deps, said, 'commit_ask', {}, { replace: true });
}

/**
 * `好的` after the bot asked: not a commitment by itself (it may mean "noted"), but one
 * confirming question, `回复 1 确认承诺`. True when it was an answer to the bot's request.
 */
export async function confirmAssent(deps: Deps, said: Said): Promise<boolean> {
  const asked = await findIntent(deps, said, ['commit_ask']);
  if (!asked || !(await takeIntent(deps, asked))) return false;
  await createIntent(deps, said, 'commit_confirm', {}, { replace: true });
  return true;
}

/** What the bot now waits for from this person that a loosely worded message may answer. */
export async function awaited(deps: Deps, said: Said): Promise<{ item: boolean; commitAsk: boolean; commitConfirm: boolean }> {
  if (!said.contactId) return { item: false, commitAsk: false, commitConfirm: false };
  // a question about a photo, live or lapsed (read, not taken: a lapsed one is the photo handler's to tell about and free)
  const item = await deps.store.intents.findOne({
    contactId: said.contactId,
    conversation: said.conversation,
    kind: { in: ['label_photo', 'choose_house'] },
    since: { lte: said.at },
  });
  const commit = await findIntent(deps, said, ['commit_ask', 'commit_confirm']);
  return { item: item !== null, commitAsk: commit?.kind === 'commit_ask', commitConfirm: commit?.kind === 'commit_confirm' };
}

/** Committed: the bot no longer waits for this person's commitment. */
export async function settleCommitAsk(deps: Deps, said: Said): Promise<void> {
  if (!said.contactId) return;
  for (const i of await deps.store.intents.find({
    contactId: said.contactId,
    conversation: said.conversation,
    kind: { in: ['commit_ask', 'commit_confirm'] },
  }))
    await takeIntent(deps, i);
}
