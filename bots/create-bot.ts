import { WechatyBuilder, type Wechaty as WechatyInterface, type WechatyPlugin } from 'wechaty';
import type { Logger } from '../src/log';
import type { BotStatus } from '../src/ports';

export interface BotOptions {
  name: string;
  /** a puppet instance (demo mode) or a puppet package name from WECHATY_PUPPET */
  puppet: object | string;
  puppetName: string;
  puppetToken?: string;
  log: Logger;
  /** plugins are installed with `bot.use` before start */
  plugins?: WechatyPlugin[];
}

export interface Bot {
  wechaty: WechatyInterface;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): BotStatus;
}

/**
 * The Wechaty side. Login and scan events are logged and kept for /healthz and the
 * dashboard; a failing handler is logged and never takes the bot down.
 */
export function createBot(o: BotOptions): Bot {
  const wechaty = WechatyBuilder.build({
    name: o.name,
    puppet: o.puppet as never,
    ...(o.puppetToken ? { puppetOptions: { token: o.puppetToken } } : {}),
  });
  let qrcode: string | null = null;
  wechaty.on('scan', (code, status) => {
    qrcode = code;
    o.log.info({ status }, '请用微信扫码登录 Scan the QR code to log in');
    o.log.info(`QR: ${code}`);
  });
  wechaty.on('login', (user) => {
    qrcode = null;
    o.log.info({ user: user.name() }, '机器人已登录 bot logged in');
  });
  wechaty.on('logout', (user) => o.log.warn({ user: user.name() }, 'bot logged out'));
  wechaty.on('error', (err) => o.log.error({ err }, 'wechaty error'));
  for (const p of o.plugins ?? []) wechaty.use(p);

  return {
    wechaty,
    start: () => wechaty.start(),
    stop: () => wechaty.stop(),
    status: () => ({ puppet: o.puppetName, loggedIn: wechaty.isLoggedIn, qrcode }),
  };
}
