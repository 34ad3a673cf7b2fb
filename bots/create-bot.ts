import { existsSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import qrcodeTerminal from 'qrcode-terminal';
import { WechatyBuilder, type Wechaty as WechatyInterface, type WechatyOptions, type WechatyPlugin } from 'wechaty';
import type { Logger } from '../src/log';
import type { BotStatus } from '../src/ports';

export interface BotOptions {
  name: string;
  /** a puppet instance (demo mode) or a puppet package name from WECHATY_PUPPET */
  puppet: object | string;
  puppetName: string;
  puppetToken?: string;
  log: Logger;
  /** where the WeChat session (Wechaty's memory card) is kept; without it, nowhere on disk but the working folder */
  dataDir?: string;
  /** plugins are installed with `bot.use` before start */
  plugins?: WechatyPlugin[];
  /** prints the login QR code for a person at the terminal (default: to stdout) */
  printQr?: (text: string) => void;
  /** first wait before retrying a failed login; doubles each time up to 5 minutes */
  retryMs?: number;
}

export interface Bot {
  wechaty: WechatyInterface;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): BotStatus;
}

const MAX_RETRY_MS = 5 * 60_000;

/**
 * The Wechaty side. The login QR code is printed in the terminal (and kept for
 * `GET /api/v1/bot` and the dashboard); while not logged in, a failing puppet is stopped
 * and started again with back-off, one log line per attempt (an offline puppet would
 * otherwise log the same error several times a second). The session is kept in DATA_DIR.
 */
export function createBot(o: BotOptions): Bot {
  // the memory card (`<name>.memory-card.json`) lives in DATA_DIR; an empty one left by a
  // crash makes Wechaty fail to load it, so it is removed first
  const card = o.dataDir ? path.join(o.dataDir, o.name) : o.name;
  const cardFile = `${card}.memory-card.json`;
  if (o.dataDir && existsSync(cardFile) && statSync(cardFile).size === 0) unlinkSync(cardFile);
  const wechaty = WechatyBuilder.build({
    name: card,
    puppet: o.puppet as WechatyOptions['puppet'],
    ...(o.puppetToken ? { puppetOptions: { token: o.puppetToken } } : {}),
  });
  const printQr = o.printQr ?? ((text) => process.stdout.write(`${text}\n`));
  let qrcode: string | null = null;
  let account: string | null = null;
  let attempt = 0;
  let retrying: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  wechaty.on('scan', (code, status) => {
    if (code === qrcode) return;
    qrcode = code;
    o.log.info(
      { status },
      '请用微信扫描下面的二维码登录（控制台也会显示）Scan the QR code below with WeChat to log in (also on the dashboard)',
    );
    qrcodeTerminal.generate(code, { small: true }, (art) => printQr(art));
  });
  wechaty.on('login', (user) => {
    qrcode = null;
    attempt = 0;
    // a restart planned after an error while logged out is not wanted now: it would log this login out
    if (retrying) clearTimeout(retrying);
    retrying = null;
    account = user.name();
    o.log.info({ user: account }, '机器人已登录 bot logged in');
  });
  wechaty.on('logout', (user) => {
    account = null;
    o.log.warn({ user: user.name() }, 'bot logged out');
  });
  wechaty.on('error', (err) => {
    if (wechaty.isLoggedIn || stopped) {
      o.log.error({ err }, 'wechaty error');
      return;
    }
    if (retrying) return; // this attempt already failed and is logged
    attempt += 1;
    const wait = Math.min(MAX_RETRY_MS, (o.retryMs ?? 5000) * 2 ** (attempt - 1));
    o.log.warn(
      { attempt, retryInS: Math.round(wait / 1000), error: String((err as Error)?.message ?? err).slice(0, 200) },
      `微信登录失败，${Math.round(wait / 1000)} 秒后重试 WeChat login failed, retrying`,
    );
    retrying = setTimeout(() => {
      void (async () => {
        if (wechaty.isLoggedIn) {
          retrying = null;
          return;
        }
        await wechaty.stop().catch(() => undefined);
        if (stopped) return;
        retrying = null;
        await wechaty.start().catch(() => undefined);
      })();
    }, wait);
    retrying.unref();
  });
  for (const p of o.plugins ?? []) wechaty.use(p);

  return {
    wechaty,
    start: () => wechaty.start(),
    async stop() {
      stopped = true;
      if (retrying) clearTimeout(retrying);
      await wechaty.stop();
    },
    status: () => ({ puppet: o.puppetName, loggedIn: wechaty.isLoggedIn, qrcode, account }),
  };
}
