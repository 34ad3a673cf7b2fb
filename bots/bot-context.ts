import type { Command } from '../src/domain/commands';
import { DomainError } from '../src/domain/errors';
import { can, type Action, type Actor, type Target } from '../src/domain/policy';
import { permit } from '../src/services/access/permit';
import type { Group } from '../src/domain/types';
import type { Deps } from '../src/services/deps';
import type { Said } from '../src/services/conversation/intents';
import type { Speaker } from '../src/services/conversation/speaker';

/** What a handler gets: the world, who is speaking where, `t` in the room's language, and small helpers. */
export interface BotContext {
  deps: Deps;
  t: (key: string, params?: Record<string, unknown>) => string;
  lng: 'zh-CN' | 'en';
  /** a group's room, or a private chat with the bot */
  where: 'room' | 'private';
  /** spoken to: a private chat, or the bot @mentioned or named in a room (never silent then) */
  addressed: boolean;
  /** the room's group (null in a private chat or an unbound room) */
  group: Group | null;
  roomId: string | null;
  speaker: Speaker;
  messageId: string;
  /** who said it, where and when — what pending intents are matched against */
  said: Said;
  botId: string;
  /**
   * Whether the bot can write to the speaker privately: a private chat, or a friend of the
   * account (a personal WeChat account cannot start a chat with a room member who is not).
   */
  reachable: boolean;
  /** the room's group; throws when there is none (handlers that only make sense in a bound room) */
  requireGroup(): Group;
  /** whether the speaker may take an action here (default target: this room's group) — the one policy */
  can(action: Action, target?: Target): boolean;
  /** the actor the speaker takes the action as, or the error they are told */
  permit(action: Action, target?: Target): Actor;
  /** a reply to the speaker: @mentioned in a room, plain in a private chat */
  answer(text: string, alsoMention?: string[]): Reply;
}

/**
 * A reply: text, and the WeChat contact ids to @mention in a room; `privately`, a longer text
 * for the speaker alone (the letter after 登记), sent to their private chat instead of the group.
 */
export interface Reply {
  text: string;
  mentions?: string[];
  privately?: string;
}

export type Handler<K extends Command['kind']> = (ctx: BotContext, cmd: Extract<Command, { kind: K }>) => Promise<Reply | null>;
/** A feature's handlers, by where they are heard. */
export interface HandlerTable {
  room?: { [K in Command['kind']]?: Handler<K> };
  private?: { [K in Command['kind']]?: Handler<K> };
}

export function makeContext(base: Omit<BotContext, 'requireGroup' | 'can' | 'permit' | 'answer'>): BotContext {
  const here = (t?: Target): Target | undefined =>
    t ??
    (base.group ? { level: 'group', communityId: base.group.communityId, gridId: base.group.gridId, groupId: base.group.id } : undefined);
  return {
    ...base,
    requireGroup() {
      if (!base.group) throw new DomainError('room_not_bound', 'no group');
      return base.group;
    },
    can: (action, target) => base.speaker.actors.some((a) => can(a, action, here(target))),
    permit: (action, target) => {
      const t = here(target);
      if (!t) throw new DomainError('not_allowed', action);
      return permit(base.speaker.actors, action, t);
    },
    answer: (text, alsoMention = []) => (base.where === 'room' ? { text, mentions: [base.speaker.wechatId, ...alsoMention] } : { text }),
  };
}
