import { DomainError } from '../../src/domain/errors';
import { myPoints } from '../../src/services/points/points';
import type { Handler, HandlerTable } from '../bot-context';
import { yearIn } from '../../src/domain/date-format';

/** `积分`: the sender's points this year and their rank in their grid (in a group, tips left out: issue 25). */
const points: Handler<'points'> = async (ctx) => {
  const house = ctx.speaker.houses[0];
  if (!house) throw new DomainError('not_registered', 'points');
  const year = yearIn(ctx.deps.timeZone, ctx.deps.clock.now());
  // the holder's own points; in a group without those of accepted tips, which would tell who reported (issue 25)
  const p = await myPoints(ctx.deps, {
    landlordId: house.landlordId,
    contactId: ctx.speaker.contact?.id ?? null,
    gridId: house.gridId,
    year,
    except: ctx.where === 'room' ? ['tip_accepted'] : [],
  });
  return ctx.answer(ctx.t(p.rank ? 'points.mine' : 'points.none', { year, points: p.points, rank: p.rank ?? '', of: p.of }));
};

export const pointHandlers: HandlerTable = { room: { points }, private: { points } };
