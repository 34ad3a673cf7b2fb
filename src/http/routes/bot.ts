import type { AppOptions } from '../context';
import type { RouteTable } from '../route-table';
import { accountHealth, backlogs, smsThisMonth } from '../../services/reach/health';
import type { ChannelStatus } from '../../ports';

const NO_CHANNELS: ChannelStatus = { staffWebhook: { configured: false, kind: null }, sms: { provider: null, fallbackAfterMinutes: 0 } };

/** the channels as configured, with this month's SMS count and cost when SMS is set up */
async function channelsNow(o: AppOptions) {
  const c = o.channels ?? NO_CHANNELS;
  if (!c.sms.provider) return { staffWebhook: c.staffWebhook, sms: { provider: null, fallbackAfterMinutes: c.sms.fallbackAfterMinutes } };
  return {
    staffWebhook: c.staffWebhook,
    sms: { provider: c.sms.provider, fallbackAfterMinutes: c.sms.fallbackAfterMinutes, month: await smsThisMonth(o, c.sms.priceFen ?? 0) },
  };
}

/**
 * `GET /bot` → `{loggedIn, account?, qr?, health, channels}` (SPEC §6; issue 28): while the bot
 * waits for a scan, `qr` is the login QR payload, which the dashboard shows as an image;
 * `health` is the account's state (logged out, limited, failing, backlog, ok) with what it
 * rests on, for the bot page and the banner on every page; `channels` says which other roads
 * are set up, never a key or a URL. Staff and admins only: whoever scans the QR controls the account.
 */
export function botRoutes(o: AppOptions, router: RouteTable): void {
  router.get('/bot', 'bot:read', async (ctx) => {
    const s = o.botStatus();
    // the puppet's word on the login is the last one (the live record hears it through events)
    const health = await accountHealth(o, { ...o.reach.snapshot(o.clock.now()), loggedIn: s.loggedIn }, o.reachPolicy);
    ctx.body = {
      loggedIn: s.loggedIn,
      puppet: s.puppet,
      ...(s.account ? { account: s.account } : {}),
      ...(s.qrcode && !s.loggedIn ? { qr: s.qrcode } : {}),
      health,
      // every account's due backlog (several processes may share the store), and the channels'
      backlogs: await backlogs(o),
      channels: await channelsNow(o),
    };
  });
}
