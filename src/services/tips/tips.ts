import { DomainError } from '../../domain/errors';
import { audit } from '../access/audit';
import type { Hazard, House, Tip } from '../../domain/types';
import type { Deps } from '../deps';
import { hazardOpenedNotices, recordHazard } from '../hazards/hazards';
import type { NoticeData } from '../sending/notifier';
import { createIntent, findIntent, takeIntent, type Said } from '../conversation/intents';
import { pointRules } from '../points/points';
import { checkPhoto } from '../inspection/check-photo';
import { keepPhoto } from '../inspection/keep-photo';

/** SPEC §3: a tip takes up to 9 photos; a contact may open at most 5 tips a day. */
export const TIP_MAX_PHOTOS = 9;
export const TIPS_PER_DAY = 5;
const HOUSE_CODE = /(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9_-]{0,22}\d[A-Za-z0-9_-]*)(?![A-Za-z0-9])/g;

/**
 * `举报 描述` in a private chat: a tip with its number. Photos the reporter sent just before
 * (still waiting) are attached; photos sent within the intent window after it are too. A
 * house code in the text places the tip, so the staff of that scope see it.
 */
export async function reportTip(deps: Deps, input: { reporterContactId: string; text: string; said: Said }): Promise<Tip> {
  const { store, clock } = deps;
  const now = clock.now();
  const today = await store.tips.count({
    reporterContactId: input.reporterContactId,
    createdAt: { gte: new Date(now.getTime() - 86_400_000) },
  });
  if (today >= TIPS_PER_DAY) throw new DomainError('too_many_tips', 'tips', { limit: TIPS_PER_DAY });
  let house = null;
  for (const m of input.text.matchAll(HOUSE_CODE)) {
    house = await store.houses.findOne({ code: m[1]!.toUpperCase() });
    if (house) break;
  }
  const loose = [];
  for (let i = 0; i < TIP_MAX_PHOTOS; i += 1) {
    const waiting = await findIntent(deps, input.said, ['loose_photo']);
    if (!waiting || !(await takeIntent(deps, waiting))) break;
    loose.push(waiting.photoId!);
  }
  const tip = await store.tips.insert({
    number: await store.nextSequence('tip'),
    reporterContactId: input.reporterContactId,
    houseId: house?.id ?? null,
    communityId: house?.communityId ?? null,
    gridId: house?.gridId ?? null,
    groupId: house?.groupId ?? null,
    hazardId: null,
    text: input.text.slice(0, 1000),
    photoIds: loose.reverse(),
    status: 'new',
    decidedBy: null,
    decidedAt: null,
    reason: null,
    createdAt: now,
  });
  if (loose.length) await store.photos.updateWhere({ id: { in: loose } }, { tipId: tip.id });
  await createIntent(deps, input.said, 'tip_photos', { tipId: tip.id }, { replace: true });
  return tip;
}

/** A photo for the reporter's tip (intent `tip_photos`); null when no tip is waiting for photos. */
export async function addTipPhoto(deps: Deps, input: { said: Said; photoId: string }): Promise<Tip | null> {
  const { store } = deps;
  const waiting = await findIntent(deps, input.said, ['tip_photos']);
  const tip = waiting ? await store.tips.get(waiting.tipId!) : null;
  if (!waiting || !tip) return null;
  const photoIds = [...tip.photoIds, input.photoId];
  if (photoIds.length >= TIP_MAX_PHOTOS) await takeIntent(deps, waiting); // the ninth fills it
  await store.photos.update(input.photoId, { tipId: tip.id });
  return (await store.tips.update(tip.id, { photoIds }))!;
}

/** 一户一码: a public report names no person; its photos at most 3, its text at most 500 characters. */
export const PUBLIC_REPORTER = 'public';
export const PUBLIC_TIP_MAX_PHOTOS = 3;
export const PUBLIC_TIP_MAX_TEXT = 500;
/** the most public reports one house takes in a day, whoever sends them (the per-address limit is the door's) */
export const PUBLIC_TIPS_PER_HOUSE_PER_DAY = 10;

/**
 * A hazard reported by scanning a house's placard (issue 27): a tip of that house, with up to
 * three photos through the same gate as the bot's (`keepPhoto`). Nobody signed in: the reporter
 * is `public`; the house's daily limit is counted in the store, so it holds across restarts.
 */
export async function reportTipAtHouse(deps: Deps, input: { house: House; text: string; photos: readonly Buffer[] }): Promise<Tip> {
  const { store, clock } = deps;
  const now = clock.now();
  const today = await store.tips.count({
    houseId: input.house.id,
    reporterContactId: PUBLIC_REPORTER,
    createdAt: { gte: new Date(now.getTime() - 86_400_000) },
  });
  if (today >= PUBLIC_TIPS_PER_HOUSE_PER_DAY) throw new DomainError('too_many_tips', 'house', { limit: PUBLIC_TIPS_PER_HOUSE_PER_DAY });
  if (input.photos.length > PUBLIC_TIP_MAX_PHOTOS)
    throw new DomainError('validation', 'photos', { detailKey: 'at_most_photos', max: PUBLIC_TIP_MAX_PHOTOS });
  // every photo is checked before anything is kept: one hostile file refuses the whole report (keepPhoto checks again: cheap, three at most)
  for (const bytes of input.photos) await checkPhoto(bytes, 'tip');
  const photos = [];
  for (const bytes of input.photos) photos.push(await keepPhoto(deps, { bytes, contactId: null, messageId: null, what: 'tip' }));
  const tip = await store.tips.insert({
    number: await store.nextSequence('tip'),
    reporterContactId: PUBLIC_REPORTER,
    houseId: input.house.id,
    communityId: input.house.communityId,
    gridId: input.house.gridId,
    groupId: input.house.groupId,
    hazardId: null,
    text: input.text.slice(0, PUBLIC_TIP_MAX_TEXT),
    photoIds: photos.map((p) => p.id),
    status: 'new',
    decidedBy: null,
    decidedAt: null,
    reason: null,
    createdAt: now,
  });
  if (photos.length) await store.photos.updateWhere({ id: { in: photos.map((p) => p.id) } }, { tipId: tip.id });
  return tip;
}

/** `举报 N`: the reporter asks after their own tip (anyone else's is not found). */
export async function tipOf(deps: Deps, input: { reporterContactId: string | null; number: number }): Promise<Tip> {
  const tip = await deps.store.tips.findOne({ number: input.number });
  if (!tip || tip.reporterContactId !== input.reporterContactId)
    throw new DomainError('tip_not_found', String(input.number), { number: input.number });
  return tip;
}

/**
 * Staff accept a tip (optionally opening a hazard on its house) or reject it with a reason.
 * Decided once (compare-and-set from `new`); an accepted tip earns its reporter points, once.
 */
/** A tip's decision, and what is to be told (the reporter privately; the hazard's room): as data, the door posts it. */
export interface TipDecided {
  tip: Tip;
  hazard: Hazard | null;
  notices: NoticeData[];
}

export async function decideTip(deps: Deps, input: TipDecision): Promise<TipDecided> {
  // the decision, its hazard, the reporter's points and the audit entry land together: a
  // crash half-way leaves the tip undecided, and the retried request does all of it once
  return deps.store.atomically(() => decide(deps, input));
}
/** a hazard opened from a tip carries a description staff wrote: the tip's text is never copied (issue 25) */
type TipDecision = {
  tip: Tip;
  by: string;
  accept: boolean;
  reason?: string;
  points?: number;
  hazard?: { description: string; days?: number };
};

async function decide(deps: Deps, input: TipDecision): Promise<TipDecided> {
  const { store, clock } = deps;
  const { tip } = input;
  const status = input.accept ? 'accepted' : 'rejected';
  if (tip.status !== 'new') {
    if (tip.status === status) return { tip, hazard: tip.hazardId ? await store.hazards.get(tip.hazardId) : null, notices: [] };
    throw new DomainError('conflict', `tip already ${tip.status}`);
  }
  const house = input.accept && input.hazard ? (tip.houseId ? await store.houses.get(tip.houseId) : null) : null;
  if (input.accept && input.hazard && !house) throw new DomainError('validation', 'tip has no house', { detailKey: 'tip_no_house' });
  if (
    !(await store.tips.updateWhere(
      { id: tip.id, status: 'new' },
      { status, decidedBy: input.by, decidedAt: clock.now(), reason: input.reason?.slice(0, 200) ?? null },
    ))
  ) {
    return decide(deps, { ...input, tip: (await store.tips.get(tip.id))! });
  }
  let hazard: Hazard | null = null;
  if (house) {
    hazard = await recordHazard(deps, { house, description: input.hazard!.description, days: input.hazard!.days, by: input.by });
    await store.tips.update(tip.id, { hazardId: hazard.id });
  }
  // a placard report names nobody (issue 27): there is no one to award
  const anonymous = tip.reporterContactId === PUBLIC_REPORTER;
  if (input.accept && !anonymous && !(await store.points.findOne({ reason: 'tip_accepted', refId: tip.id }))) {
    const reporter = await store.contacts.get(tip.reporterContactId);
    await store.points.insert({
      landlordId: reporter?.landlordId ?? null,
      contactId: tip.reporterContactId,
      gridId: tip.gridId,
      reason: 'tip_accepted',
      amount: input.points ?? (await pointRules(deps)).tip_accepted,
      refId: tip.id,
    });
  }
  await audit(deps, {
    actor: input.by,
    action: `${status}_tip`,
    target: `tip:${tip.id}`,
    detail: { number: tip.number, reason: input.reason ?? null },
    at: tip,
  });
  const decided = (await store.tips.get(tip.id))!;
  // the reporter hears the decision in their private chat with the bot, never in a group; the hazard's room is told of it
  const reporter = await store.contacts.get(tip.reporterContactId);
  const notices: NoticeData[] = reporter
    ? [
        {
          key: `tip:decided:${tip.id}`,
          contactId: reporter.wechatId,
          mentions: [],
          lng: reporter.locale,
          say: { key: `tip.decided_${status}`, params: { number: tip.number, reason: decided.reason ?? '' } },
        },
      ]
    : [];
  if (hazard) notices.push(...(await hazardOpenedNotices(deps, hazard)));
  return { tip: decided, hazard, notices };
}
