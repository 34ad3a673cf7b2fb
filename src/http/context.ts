import type { RouterContext } from '@koa/router';
import type { Actor } from '../domain/policy';
import type { User } from '../domain/types';
import type { Deps } from '../services/deps';
import type { BotStatus, SimulatorPort } from '../ports';

export type { BotStatus } from '../ports';

/** The world (one `Deps`, the same object the bot and the schedules are given) and what only the HTTP door needs. */
export interface AppOptions extends Deps {
  demo: boolean;
  botStatus: () => BotStatus;
  /** roster imports: where uploads are spooled (default DATA_DIR/uploads) and the row limit (default 2,000,000) */
  imports?: { dir?: string; maxRows?: number };
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
