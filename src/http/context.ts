import type { RouterContext } from '@koa/router';
import type { Actor } from '../domain/policy';
import type { User } from '../domain/types';
import type { Deps } from '../services/deps';
import type { BotStatus, ChannelStatus, SimulatorPort } from '../ports';

export type { BotStatus } from '../ports';

/** The world (one `Deps`, the same object the bot and the schedules are given) and what only the HTTP door needs. */
export interface AppOptions extends Deps {
  demo: boolean;
  botStatus: () => BotStatus;
  /** the channels under the outbox besides WeChat (issue 28): whether each is set up, never its keys or URLs */
  channels?: ChannelStatus;
  /**
   * roster imports: where uploads are spooled (default DATA_DIR/uploads), the row limit (default 2,000,000)
   * and the time budget (IMPORT_TIME_LIMIT_SECONDS; default 600 s)
   */
  imports?: { dir?: string; maxRows?: number; timeLimitMs?: number };
  /** where placards' QR links point (PUBLIC_URL); absent: the origin each request came to */
  publicUrl?: string;
  /** the public placard page's limits (issue 27); defaults in routes/placard-page.ts */
  placardLimits?: { perAddressPerDay?: number };
  /** demo mode's simulator; absent otherwise, and then /api/v1/sim/* is 404 */
  sim?: SimulatorPort;
}

export interface AppState {
  user?: User;
  actor?: Actor;
  /** signed in with the dashboard's session cookie: its hash (to keep it when the password changes) */
  sessionHash?: string;
  lng: 'zh-CN' | 'en';
}
export type Ctx = RouterContext<AppState>;
