import { afterQuietHours } from '../../domain/quiet-hours';
import type { Landlord, OutboxEntry } from '../../domain/types';
import type { Deps } from '../deps';
import { remindMissing } from '../inspection/remind-missing';
import { SMS_NOTICE_KEYS } from '../sending/notifier';
import { enqueue, PRIORITY } from '../sending/outbox';
import { CHANNEL, type SmsKind, type SmsPayload } from './channels';
import { accountHealth, type AccountHealth, type ReachState } from './health';

/** What the reach watch may do besides reading health (issue 28). */
export interface WatchOptions {
  /** a staff group robot is configured: alarms are queued for it */
  staffAlarms: boolean;
  /** SMS is configured: its templates (a kind without one never goes by SMS), per-number daily limit */
  sms?: { templates: Partial<Record<SmsKind, string>>; dailyLimitPerNumber: number };
  /** how long the account must have been unavailable before a personal notice goes by SMS */
  fallbackAfterMs: number;
}

/** The states staff are told about; `ok` after one of them is the recovery. */
const ALARMED: ReadonlySet<ReachState> = new Set(['logged_out', 'limited', 'backlog']);
const alarmKey = (account: string, state: ReachState, at: Date) => `staff:${account}:${state}:${at.getTime()}`;

/**
 * Staff are told once when the account logs out, is limited or its backlog passes the
 * threshold, and once when it recovers. What was last told is the last alarm in the outbox
 * (its key names the state), so a restart neither repeats an alarm nor forgets a recovery.
 */
export async function alarmStaff(deps: Deps, health: AccountHealth, account: string): Promise<ReachState | null> {
  const last = await deps.store.outbox.findOne({ account: CHANNEL.staff, contactId: account }, { createdAt: -1 });
  const told = (last?.key.split(':').at(-2) ?? 'ok') as ReachState;
  const now = deps.clock.now();
  const bad = ALARMED.has(health.state);
  if (bad ? told === health.state : !ALARMED.has(told)) return null;
  const state = bad ? health.state : 'ok';
  const when = health.unavailableSince ?? now;
  const text = deps.t(`bot:reach.alarm_${state}`, {
    lng: deps.locale,
    account: health.account ?? account,
    since: when.toLocaleString(deps.locale, { timeZone: deps.timeZone, hour12: false }),
    due: health.backlog.due,
    until: health.coolingUntil?.toLocaleString(deps.locale, { timeZone: deps.timeZone, hour12: false }) ?? '',
  });
  await enqueue(deps, [{ key: alarmKey(account, state, now), account: CHANNEL.staff, contactId: account, text, priority: PRIORITY.reply }]);
  return state;
}

/** The personal notices that may go by SMS, known by their keys (SMS_NOTICE_KEYS, beside `noticeKey`): what kind each is, or null. */
export async function smsKindOf(deps: Deps, key: string): Promise<SmsKind | null> {
  const known = SMS_NOTICE_KEYS.find((k) => k.key.test(key));
  if (known) return known.kind;
  // a schedule's post: a deadline reminder when the schedule's action is one
  const schedule = /^schedule:([^:]+):/.exec(key)?.[1];
  if (schedule) {
    const s = await deps.store.schedules.findOne({ name: schedule });
    if (s?.action === 'deadline_reminder') return 'deadline';
  }
  return null;
}

const MOBILE = /^1[3-9]\d{9}$/;
const DAY = 86_400_000;

/**
 * The account has been unavailable longer than the grace period: each due personal notice to
 * its rooms (a deadline reminder, a hazard due or overdue, a returned inspection) goes instead
 * by SMS to each landlord it is about (recipientsOf) who can be reached so (a mobile number, not opted out,
 * under the per-number daily limit), one SMS each, after quiet hours. The room post is marked
 * `rerouted` in the same unit as the SMS are queued, by a compare-and-set on `pending`: a
 * message goes by one channel, never both, across a crash too. A notice with nobody reachable
 * by SMS stays for the room.
 */
export async function rerouteToSms(
  deps: Deps,
  input: { account: string | null; sms: NonNullable<WatchOptions['sms']> },
): Promise<{ rerouted: number; sms: number }> {
  const { store, clock } = deps;
  const now = clock.now();
  const pending = await store.outbox.find(
    { account: { in: input.account ? [input.account, '*'] : ['*'] }, status: 'pending', priority: PRIORITY.bulk },
    { sort: { notBefore: 1 }, limit: 500 },
  );
  let rerouted = 0;
  let sms = 0;
  for (const e of pending.filter((x) => x.roomId && x.mentions.length)) {
    const kind = await smsKindOf(deps, e.key);
    if (!kind || !input.sms.templates[kind]) continue;
    const drafts = await smsDrafts(deps, e, kind, await recipientsOf(deps, e, kind), {
      dailyLimit: input.sms.dailyLimitPerNumber,
      now,
      may: (l) => l.sms !== 'never',
    });
    if (!drafts.length) continue;
    const done = await store.atomically(async () => {
      const taken = await store.outbox.updateWhere(
        { id: e.id, status: 'pending', attempts: e.attempts },
        { status: 'rerouted', error: 'sms' },
      );
      if (!taken) return 0;
      return enqueue(deps, drafts);
    });
    if (done) {
      rerouted += 1;
      sms += done;
    }
  }
  if (rerouted) deps.log.warn({ rerouted, sms }, 'account unavailable past the grace period: personal notices sent by SMS');
  return { rerouted, sms };
}

/**
 * Who a personal notice is about, as landlords and their house codes: a reminder's, the landlords
 * its room post @mentions (their houses in the group); a hazard's or a returned set's, that
 * house's landlord (an overdue hazard's room post @mentions the head, but the notice is the landlord's).
 */
async function recipientsOf(deps: Deps, e: OutboxEntry, kind: SmsKind): Promise<{ landlordId: string; code: string }[]> {
  if (kind !== 'deadline') return landlordsAbout(deps, e, kind);
  const { store } = deps;
  const contacts = await store.contacts.find({ wechatId: { in: e.mentions } });
  const group = e.roomId ? await store.groups.findOne({ roomId: e.roomId }) : null;
  const about = [];
  for (const landlordId of new Set(contacts.map((c) => c.landlordId).filter((x): x is string => x !== null))) {
    const mine = contacts.filter((c) => c.landlordId === landlordId).map((c) => c.id);
    const houses = group ? await store.houses.find({ groupId: group.id, contactId: { in: mine } }, { sort: { code: 1 }, limit: 5 }) : [];
    about.push(...(houses.length ? houses.map((h) => ({ landlordId, code: h.code })) : [{ landlordId, code: '' }]));
  }
  return about;
}

/** One SMS per landlord `about` names whom `may` lets through, who has a mobile number and is under the daily limit. */
async function smsDrafts(
  deps: Deps,
  e: OutboxEntry,
  kind: SmsKind,
  about: { landlordId: string; code: string }[],
  o: { dailyLimit: number; now: Date; may: (l: Landlord) => boolean | Promise<boolean> },
) {
  const { store } = deps;
  const ids = [...new Set(about.map((a) => a.landlordId))];
  const landlords = ids.length ? await store.landlords.find({ id: { in: ids } }) : [];
  const drafts = [];
  for (const l of landlords) {
    if (!MOBILE.test(l.phone) || !(await o.may(l))) continue;
    const today = await store.outbox.count({ account: CHANNEL.sms, contactId: l.id, createdAt: { gte: new Date(o.now.getTime() - DAY) } });
    if (today >= o.dailyLimit) continue;
    const codes = [...new Set(about.filter((a) => a.landlordId === l.id && a.code).map((a) => a.code))];
    const payload: SmsPayload = { kind, params: { houses: codes.slice(0, 5).join(',') || '-' } };
    drafts.push({
      key: `sms:${e.key}:${l.id}`,
      account: CHANNEL.sms,
      contactId: l.id,
      text: JSON.stringify(payload),
      priority: PRIORITY.bulk,
      notBefore: afterQuietHours(o.now, deps.timeZone),
    });
  }
  return drafts;
}

/** The landlords a personal notice is about, by its key: the houses that owe (a reminder), the hazard's house, the returned set's house. */
async function landlordsAbout(deps: Deps, e: OutboxEntry, kind: SmsKind): Promise<{ landlordId: string; code: string }[]> {
  const { store } = deps;
  const parts = e.key.split(':');
  const houseOf = async (id: string | undefined) => (id ? await store.houses.get(id) : null);
  if (kind === 'hazard_due' || kind === 'hazard_overdue') {
    const hazard = await store.hazards.get(parts[2]!);
    const house = await houseOf(hazard?.houseId);
    return house ? [{ landlordId: house.landlordId, code: house.code }] : [];
  }
  if (kind === 'returned') {
    const sub = await store.submissions.get(parts[1]!);
    const house = await houseOf(sub?.houseId);
    return house ? [{ landlordId: house.landlordId, code: house.code }] : [];
  }
  const group = e.roomId ? await store.groups.findOne({ roomId: e.roomId }) : null;
  if (!group) return [];
  const missing = await remindMissing(deps, group);
  const houses = missing.codes.length ? await store.houses.find({ groupId: group.id, code: { in: missing.codes } }) : [];
  return houses.map((h) => ({ landlordId: h.landlordId, code: h.code }));
}

/**
 * Landlords staff marked as reachable by SMS only (no WeChat) get the personal notices about
 * them by SMS, whatever the account does: each notice of the last hour is looked at, one SMS
 * per landlord, keyed so that a notice looked at again sends nothing more. The group's post
 * goes to the group as usual (they are not in it).
 */
export async function smsForSmsOnly(deps: Deps, sms: NonNullable<WatchOptions['sms']>, seen: Set<string> = new Set()): Promise<number> {
  const { store, clock } = deps;
  const now = clock.now();
  // (most streets have none: nothing more is read)
  if ((await store.landlords.count({ sms: 'only' } as unknown as Parameters<typeof store.landlords.count>[0])) === 0) return 0;
  const recent = await store.outbox.find(
    { account: { nin: [CHANNEL.sms, CHANNEL.staff] }, priority: PRIORITY.bulk, createdAt: { gte: new Date(now.getTime() - 3_600_000) } },
    { limit: 1000 },
  );
  let queued = 0;
  for (const e of recent.filter((x) => x.roomId && !seen.has(x.id))) {
    seen.add(e.id);
    const kind = await smsKindOf(deps, e.key);
    if (!kind || !sms.templates[kind]) continue;
    const drafts = await smsDrafts(deps, e, kind, await landlordsAbout(deps, e, kind), {
      dailyLimit: sms.dailyLimitPerNumber,
      now,
      may: async (l) => l.sms === 'only' && !(await store.outbox.findOne({ key: `sms:${e.key}:${l.id}` })),
    });
    if (drafts.length) queued += await enqueue(deps, drafts);
  }
  return queued;
}

/**
 * One look at the account (every few seconds, from main): staff alarms, and SMS for personal
 * notices once the account has been unavailable past the grace period.
 */
export async function watchReach(
  deps: Deps,
  o: WatchOptions & { seen?: Set<string> },
): Promise<{ health: AccountHealth; alarm: ReachState | null; sms: number }> {
  const live = deps.reach.snapshot(deps.clock.now());
  const health = await accountHealth(deps, live, deps.reachPolicy);
  const account = live.account ?? '*';
  const alarm = o.staffAlarms ? await alarmStaff(deps, health, account) : null;
  // told of an outage before the account was known (a start that waits for a scan): its recovery is told too
  if (o.staffAlarms && account !== '*' && health.state === 'ok') await alarmStaff(deps, health, '*');
  let sms = 0;
  const since = health.unavailableSince;
  if (o.sms && since && deps.clock.now().getTime() - since.getTime() >= o.fallbackAfterMs)
    sms = (await rerouteToSms(deps, { account: live.account, sms: o.sms })).sms;
  if (o.sms) sms += await smsForSmsOnly(deps, o.sms, o.seen);
  return { health, alarm, sms };
}
