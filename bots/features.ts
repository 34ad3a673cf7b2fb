import type { Command } from '../src/domain/commands';
import type { Action } from '../src/domain/policy';
import type { BotContext, HandlerTable } from './bot-context';
import { commitmentHandlers } from './handlers/commitments';
import { conversationHandlers } from './handlers/conversation';
import { groupHandlers } from './handlers/groups';
import { hazardHandlers } from './handlers/hazards';
import { photoHandlers } from './handlers/inspection';
import { pointHandlers } from './handlers/points';
import { reviewHandlers } from './handlers/review';
import { staffHandlers } from './handlers/access';
import { tipHandlers } from './handlers/tips';

const helpHandlers: HandlerTable = {
  room: { help: async (ctx) => ({ text: helpText(ctx) }) },
  private: { help: async (ctx) => ({ text: helpText(ctx) }) },
};

/** Every feature's handlers; `帮助` is built from the same table, so it lists only what answers. */
export const FEATURES: HandlerTable[] = [
  groupHandlers,
  commitmentHandlers,
  photoHandlers,
  reviewHandlers,
  hazardHandlers,
  pointHandlers,
  tipHandlers,
  staffHandlers,
  conversationHandlers,
  helpHandlers,
];

type Who = (ctx: BotContext) => boolean;
const anyone: Who = () => true;
const registered: Who = (ctx) => ctx.speaker.houses.length > 0;
/** in a bound room, when the policy lets the speaker take the action there */
const may =
  (action: Action): Who =>
  (ctx) =>
    Boolean(ctx.group) && ctx.can(action);
const unbound: Who = (ctx) => ctx.where === 'room' && !ctx.group;
const bound: Who = (ctx) => ctx.where === 'private' || Boolean(ctx.group);
const notStaff: Who = (ctx) => !ctx.speaker.staff;

/** the commands with a handler, in a room and in a private chat (the table does not change) */
const answered = {
  room: Object.assign({}, ...FEATURES.map((f) => f.room ?? {})) as Record<string, unknown>,
  private: Object.assign({}, ...FEATURES.map((f) => f.private ?? {})) as Record<string, unknown>,
};

/** One line of `帮助` per command: who sees it (the command must also have a handler where it is asked). */
const HELP: [Command['kind'], Who, string][] = [
  ['bindGroup', unbound, 'help.bind_group'],
  ['register', (ctx) => bound(ctx) && ctx.where === 'room', 'help.register'],
  ['commit', (ctx) => bound(ctx) && (ctx.where === 'room' || registered(ctx)), 'help.commit'],
  ['item', (ctx) => bound(ctx) && (ctx.where === 'room' || registered(ctx)), 'help.photo'],
  ['progress', (ctx) => bound(ctx) && (ctx.where === 'room' || registered(ctx)), 'help.progress'],
  ['approve', may('submissions:review'), 'help.approve'],
  ['return', may('submissions:review'), 'help.return'],
  ['remind', may('rounds:remind'), 'help.remind'],
  ['ask', may('submissions:review'), 'help.who_missing'],
  ['ask', anyone, 'help.ask'],
  ['hazard', may('hazards:open'), 'help.hazard'],
  ['close', may('hazards:close'), 'help.close'],
  ['fixed', registered, 'help.fixed'],
  ['points', registered, 'help.points'],
  ['report', (ctx) => ctx.where === 'private', 'help.report'],
  ['confirmRegister', may('houses:confirm'), 'help.confirm'],
  ['language', may('group:settings'), 'help.language'],
  ['broadcast', (ctx) => ctx.where === 'private' && ctx.can('broadcasts:send'), 'help.broadcast'],
  ['bindStaff', notStaff, 'help.bind_staff'],
  ['help', anyone, 'help.help'],
];

/** `帮助`: the commands that work for this sender in this chat, and nothing else. */
export function helpText(ctx: BotContext): string {
  const here = answered[ctx.where];
  const lines = HELP.filter(([kind, who]) => (kind === 'help' || here[kind]) && who(ctx)).map(([, , key]) => ctx.t(key));
  return [ctx.t('help.title'), ...lines].join('\n');
}

/**
 * A command sent in the wrong kind of chat gets one line saying where to send it
 * (SPEC §3); null when it works nowhere (yet), which is silence.
 */
export function hintFor(kind: Command['kind'], where: 'room' | 'private'): string | null {
  const other = where === 'room' ? 'private' : 'room';
  if (!FEATURES.some((f) => f[other]?.[kind])) return null;
  if (kind === 'item' || kind === 'menuNumber' || kind === 'pendingReview') return null; // everyday words: never a hint
  return where === 'room' ? 'hints.in_private' : 'hints.in_room';
}
