import {} from '../authorize';
import type { AppOptions } from '../context';
import type { RouteTable } from '../route-table';

/**
 * `GET /bot` → `{loggedIn, account?, qr?}` (SPEC §6): while the bot waits for a scan, `qr`
 * is the login QR payload, which the dashboard shows as an image. Staff and admins only:
 * whoever scans it controls the bot's WeChat account.
 */
export function botRoutes(o: AppOptions, router: RouteTable): void {
  router.get('/bot', 'bot:read', (ctx) => {
    const s = o.botStatus();
    ctx.body = {
      loggedIn: s.loggedIn,
      puppet: s.puppet,
      ...(s.account ? { account: s.account } : {}),
      ...(s.qrcode && !s.loggedIn ? { qr: s.qrcode } : {}),
    };
  });
}
