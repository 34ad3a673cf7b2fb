import { commit } from '../../src/services/commit';
import { groupProgress, type HouseProgress } from '../../src/services/group-progress';
import type { BotContext, HandlerTable } from '../bot-context';

function houseState(ctx: BotContext, h: HouseProgress, roundOpen: boolean): string {
  const parts = [h.registered ? (h.committed ? ctx.t('progress.committed') : ctx.t('progress.not_committed')) : ctx.t('progress.not_registered')];
  if (roundOpen) {
    if (h.submission === 'approved') parts.push(ctx.t('progress.approved'));
    else if (h.submission === 'returned') parts.push(ctx.t('progress.returned'));
    else parts.push(ctx.t('progress.photos', { done: h.itemsDone, required: h.itemsRequired }));
  }
  return parts.join(' · ');
}

/** `我承诺` and `进度`. */
export const commitmentHandlers: HandlerTable = {
  room: {
    commit: async (ctx) => {
      const r = await commit(ctx.deps, { group: ctx.group!, speaker: ctx.speaker, messageId: ctx.messageId });
      const fresh = r.houses.filter((h) => h.isNew).map((h) => h.code);
      const params = { version: r.letterVersion, committed: r.committed, total: r.total };
      if (fresh.length) return { text: ctx.t('commit.done', { ...params, codes: fresh.join('、') }), mentions: [ctx.speaker.wechatId] };
      return { text: ctx.t('commit.already', { ...params, codes: r.houses.map((h) => h.code).join('、') }), mentions: [ctx.speaker.wechatId] };
    },
    progress: async (ctx) => {
      const p = await groupProgress(ctx.deps, ctx.group!);
      const deadline = p.round ? new Intl.DateTimeFormat(ctx.lng, { timeZone: ctx.timeZone, month: 'numeric', day: 'numeric' }).format(p.round.deadline) : '';
      const lines = [
        ctx.t('progress.title', { group: ctx.group!.name }),
        p.round ? ctx.t('progress.round', { period: p.round.period, deadline }) : ctx.t('progress.no_round'),
        ...p.houses.map((h) => `${h.mark} ${h.code} ${h.place} · ${houseState(ctx, h, Boolean(p.round))}`),
        ctx.t('progress.footer', { committed: p.committed, total: p.total, done: p.done }),
      ];
      return { text: lines.join('\n') };
    },
  },
};
