import type { Clock } from '../domain/clock';
import type { Logger } from '../log';
import type { Store } from '../storage/store';

/** What every use-case is given: the world passed in, never imported. */
export interface Deps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** the campaign's time zone (TZ), for periods and deadlines */
  timeZone: string;
  /** rung when the outbox has something new, so the sender wakes at once */
  bell?: import('./sending/bell').Bell;
  /** how long a pending intent waits (default 10 minutes) */
  intentTtlMs?: number;
}
