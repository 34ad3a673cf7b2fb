import type { Clock } from '../domain/clock';
import type { Locale } from '../domain/types';
import type { Translate } from '../i18n';
import type { Logger } from '../log';
import type { Store } from '../storage/store';
import type { ReachPolicy, ReachRecorder } from './reach/recorder';
import type { Bell } from './sending/bell';
import type { Notifier } from './sending/notifier';

/**
 * The world every use case, door and schedule is given — built once (`createDeps` in
 * create-deps.ts), passed in, never imported, and never copied into a narrower shape that could drop a member.
 */
export interface Deps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** the campaign's time zone (TZ), for periods and deadlines */
  timeZone: string;
  /** i18next's `t` over every namespace (api, bot, dashboard, templates) */
  t: Translate;
  /** the configured language, for rooms and people that chose none */
  locale: Locale;
  /** posts notices to rooms and people through the outbox */
  notifier: Notifier;
  /** rung when the outbox has something new, so the account's sender wakes at once */
  bell: Bell;
  /** what this process knows live about its WeChat account: logins, sends, failures, cool-downs (issue 28) */
  reach: ReachRecorder;
  /** how the reach checks judge an account (backlog threshold, failures) */
  reachPolicy: ReachPolicy;
  /** how long a pending intent waits */
  intentTtlMs: number;
  /** `催办` in one group at most once in this long (REMIND_COOLDOWN_MINUTES) */
  remindCooldownMs: number;
}
