import type { RouterContext } from '@koa/router';
import type { Clock } from '../domain/clock';
import type { Actor } from '../domain/policy';
import type { User } from '../domain/types';
import type { Translate } from '../i18n';
import type { Logger } from '../log';
import type { Deps } from '../services/deps';
import type { Notifier } from '../services/sending/notifier';
import type { BotStatus, SimulatorPort } from '../ports';
import type { Store } from '../storage/store';

export type { BotStatus } from '../ports';

export interface AppOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  t: Translate;
  timeZone: string;
  locale: 'zh-CN' | 'en';
  demo: boolean;
  botStatus: () => BotStatus;
  /** posts to rooms outside a reply (round announcements, reminders, review notices) */
  notifier: Notifier;
  /** roster imports: where uploads are spooled (default DATA_DIR/uploads) and the row limit (default 2,000,000) */
  imports?: { dir?: string; maxRows?: number };
  /** demo mode's simulator; absent otherwise, and then /api/v1/sim/* is 404 */
  sim?: SimulatorPort;
}

export interface AppState { user?: User; actor?: Actor; lng: 'zh-CN' | 'en' }
export type Ctx = RouterContext<AppState>;
export const depsOf = (o: AppOptions): Deps => ({ store: o.store, clock: o.clock, log: o.log, timeZone: o.timeZone });
