/**
 * A child process for the real-WeChat login test: the wechat4u puppet keeps timers of
 * its own after it is stopped, so it runs here, not inside Jest's worker. Prints the
 * bot's log lines (JSON) and `QR` when a login QR code is printed; the parent kills it.
 */
import pino from 'pino';
import { createBot } from '../../bots/create-bot';

const log = pino({ level: 'info' }, { write: (s: string) => process.stdout.write(s) });
const bot = createBot({
  name: 'anxin-test', puppet: 'wechaty-puppet-wechat4u', puppetName: 'wechaty-puppet-wechat4u', log,
  dataDir: process.env.DATA_DIR!, retryMs: 20, printQr: () => process.stdout.write('QR\n'),
});
bot.start().catch(() => undefined);
