/**
 * An account back after a logout stays logged in. While it was logged out, a failure (a message
 * the bot could not read or send) had planned a restart of Wechaty for a login that was failing;
 * that restart then ran after the account was back and logged it out again, for good (found under
 * load by the client contract test: 5 s after a re-login, GET /bot said logged out). Through the
 * real Wechaty on the mock puppet.
 */
import type { EventEmitter } from 'node:events';
import { createBot } from '../../bots/create-bot';
import { createDemoPuppet } from '../../bots/demo-puppet';
import { silentLog } from '../support/fixtures';

it('a restart planned while logged out does not run once the account is back', async () => {
  const RETRY_MS = 30;
  const demo = createDemoPuppet();
  const bot = createBot({ name: `relogin-${process.pid}`, puppet: demo.puppet, puppetName: 'wechaty-puppet-mock', log: silentLog, retryMs: RETRY_MS });
  const stops: number[] = [];
  const stop = bot.wechaty.stop.bind(bot.wechaty);
  bot.wechaty.stop = async () => { stops.push(Date.now()); return stop(); };
  try {
    await bot.start();
    const self = demo.mocker.createContact({ name: '安心房东' });
    demo.mocker.login(self);
    expect(bot.status().loggedIn).toBe(true);
    await demo.puppet.logout('banned for a while');
    expect(bot.status().loggedIn).toBe(false);
    // a failure while logged out: the bot plans a restart in RETRY_MS
    (bot.wechaty as unknown as EventEmitter).emit('error', new Error('not logged in, no this.__currentUserId yet'));
    // the account is back before that time
    demo.mocker.login(self);
    expect(bot.status().loggedIn).toBe(true);
    // a timer of the same length set after the bot's fires after it (Node runs equal timers in order)
    await new Promise((r) => setTimeout(r, RETRY_MS));
    expect(stops).toEqual([]);
    expect(bot.status().loggedIn).toBe(true);
  } finally {
    bot.wechaty.stop = stop;
    await bot.stop();
  }
});
