import { DomainError } from '../../src/domain/errors';
import { groupsOfHouses } from '../../src/services/groups/group-settings';
import type { Group } from '../../src/domain/types';
import { commit } from '../../src/services/commitments/commit';
import { groupProgress, type HouseProgress } from '../../src/services/inspection/group-progress';
import { confirmAssent, settleCommitAsk } from '../../src/services/commitments/ask-to-commit';
import type { BotContext, Handler, HandlerTable } from '../bot-context';
import { monthDay } from '../../src/domain/date-format';

/** The words of a house's state, translated once per reply rather than once per house. */
function stateWords(ctx: BotContext) {
  const w = Object.fromEntries(
    (['committed', 'not_committed', 'not_registered', 'approved', 'returned'] as const).map((k) => [k, ctx.t(`progress.${k}`)]),
  );
  const photos = ctx.t('progress.photos', { done: '{done}', required: '{required}' });
  return (h: HouseProgress, roundOpen: boolean): string => {
    const parts = [h.registered ? (h.committed ? w.committed : w.not_committed) : w.not_registered];
    if (roundOpen) {
      if (h.submission === 'approved') parts.push(w.approved!);
      else if (h.submission === 'returned') parts.push(w.returned!);
      else parts.push(photos.replace('{done}', String(h.itemsDone)).replace('{required}', String(h.itemsRequired)));
    }
    return parts.join(' · ');
  };
}

async function progressText(ctx: BotContext, group: Group): Promise<string> {
  const p = await groupProgress(ctx.deps, group);
  const houseState = stateWords(ctx);
  const deadline = p.round ? monthDay(ctx.lng, ctx.deps.timeZone, p.round.deadline) : '';
  return [
    ctx.t('progress.title', { group: group.name }),
    p.round ? ctx.t('progress.round', { period: p.round.period, deadline }) : ctx.t('progress.no_round'),
    // a house nobody has registered shows its code only: its address is no invitation to claim it
    ...p.houses.map(
      (h) =>
        `${h.mark} ${h.code}${h.registered ? ` ${h.place}` : ''} · ${houseState(h, Boolean(p.round))}${h.overdue ? ` · ⚠ ${ctx.t('progress.overdue')}` : ''}`,
    ),
    ctx.t('progress.footer', { committed: p.committed, total: p.total, done: p.done }),
  ].join('\n');
}

/** The groups of a registered landlord's houses (private chat), in house order. */
async function groupsOf(ctx: BotContext): Promise<Group[]> {
  if (ctx.speaker.houses.length === 0) throw new DomainError('not_registered', 'private');
  return groupsOfHouses(ctx.deps, ctx.speaker.houses);
}

/**
 * `我承诺` and its other wordings. A soft one (同意, 保证, a 接龙 line, a slip such as 成诺) from
 * a landlord whose houses are all committed already is chat: silence, unless said to the bot.
 */
const doCommit: Handler<'commit'> = async (ctx, cmd) => {
  const r = await commit(ctx.deps, { speaker: ctx.speaker, messageId: ctx.messageId });
  await settleCommitAsk(ctx.deps, ctx.said);
  const fresh = r.houses.filter((h) => h.isNew).map((h) => h.code);
  if (!fresh.length && cmd.soft && !ctx.addressed) return null;
  // in a room, that room's tally; in a private chat, the first group's (most landlords have one)
  const tally = r.groups.find((g) => g.groupId === ctx.group?.id) ?? r.groups[0]!;
  const params = { version: r.letterVersion, committed: tally.committed, total: tally.total };
  if (fresh.length) return ctx.answer(ctx.t('commit.done', { ...params, codes: fresh.join('、') }));
  return ctx.answer(ctx.t('commit.already', { ...params, codes: r.houses.map((h) => h.code).join('、') }));
};

/** `好的`/`收到`/`嗯` right after the bot asked this person to commit: one confirming question, never a guess. */
const assent: Handler<'assent'> = async (ctx) => ((await confirmAssent(ctx.deps, ctx.said)) ? ctx.answer(ctx.t('commit.confirm')) : null);

/** `我承诺` and `进度`, in the group's room or (for a registered landlord) in a private chat. */
export const commitmentHandlers: HandlerTable = {
  room: {
    commit: doCommit,
    assent,
    progress: async (ctx) => ({ text: await progressText(ctx, ctx.requireGroup()) }),
  },
  private: {
    commit: doCommit,
    assent,
    progress: async (ctx) => ({ text: (await Promise.all((await groupsOf(ctx)).map((g) => progressText(ctx, g)))).join('\n\n') }),
  },
};
