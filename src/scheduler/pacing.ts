import type { OutboxWorkerOptions } from './outbox-worker';

/** how long a stopped process's rooms wait before another member account takes them */
export const ROOM_LEASE_MS = 60_000;

/** The configuration's sending settings (README "Pacing defaults"). */
export interface SendSettings {
  demo: boolean;
  sendIntervalMs: number;
  sendJitterMs: number;
  sendDailyCap: number;
  sendCooldownMinutes: number;
}

/**
 * The pacing of one WeChat account's sender (issue 28): 3–10 s apart at random (at most 20 a
 * minute, under the 40 that draw WeChat's attention), 2 s more between rooms, a daily cap, and
 * a long silence after "too frequent". The product's sender (main.ts) and the city simulation
 * (`npm run sim:city`) take the same numbers from here.
 */
export function wechatPacing(
  c: SendSettings,
): Pick<
  OutboxWorkerOptions,
  'intervalMs' | 'jitterMs' | 'roomSwitchMs' | 'dailyCap' | 'tooFrequentPauseMs' | 'leaseMs' | 'idleMs' | 'roomLeaseMs' | 'mergeRoomPosts'
> {
  return {
    intervalMs: c.sendIntervalMs,
    jitterMs: c.sendJitterMs,
    roomSwitchMs: c.demo ? 0 : 2000,
    dailyCap: c.sendDailyCap,
    tooFrequentPauseMs: c.sendCooldownMinutes * 60_000,
    leaseMs: 60_000,
    idleMs: 1000,
    roomLeaseMs: ROOM_LEASE_MS,
    mergeRoomPosts: true,
  };
}
