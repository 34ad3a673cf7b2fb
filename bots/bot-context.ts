import type { Command } from '../src/domain/commands';
import type { Group } from '../src/domain/types';
import type { Deps } from '../src/services/deps';
import type { Speaker } from '../src/services/speaker';

/** What a handler gets: the world, who is speaking where, and `t` already in the room's language. */
export interface BotContext {
  deps: Deps;
  t: (key: string, params?: Record<string, unknown>) => string;
  lng: 'zh-CN' | 'en';
  timeZone: string;
  group: Group | null;
  roomId: string | null;
  speaker: Speaker;
  messageId: string;
  botId: string;
}

/** A reply: text, and the WeChat contact ids to @mention in a room. */
export interface Reply { text: string; mentions?: string[] }

export type Handler<K extends Command['kind']> = (ctx: BotContext, cmd: Extract<Command, { kind: K }>) => Promise<Reply | null>;
/** A feature's handlers, by where they are heard. */
export interface HandlerTable {
  room?: { [K in Command['kind']]?: Handler<K> };
  private?: { [K in Command['kind']]?: Handler<K> };
}
