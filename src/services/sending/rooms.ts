import type { OutboxEntry, RoomLease } from '../../domain/types';
import type { Deps } from '../deps';

/**
 * Several bot accounts, one store (SPEC §4). Which accounts are in which WeChat room is
 * recorded as each account sees its rooms; each room is served by one member account at a
 * time, under a lease that account's process renews. When the lease runs out (the process
 * stopped, or the account left the room) another member account takes the room, and with
 * it the room's unsent outbox entries. A room's entries are never handed to an account that
 * is not in it: with no member serving, they wait (account `UNSERVED`).
 */
export const UNSERVED = '-';
const UNSENT = { in: ['pending', 'sending'] as OutboxEntry['status'][] };

/** `account` is in these rooms (its room list at login, a message heard there, a join). */
export async function recordMembership({ store }: Deps, account: string, roomIds: readonly string[]): Promise<void> {
  if (!roomIds.length) return;
  await store.roomMembers.upsertMany(
    [...new Set(roomIds)].map((roomId) => ({ roomId, account })),
    ['roomId', 'account'],
  );
}

/** `account` left the room (or was removed): it is no member, and its lease ends now. */
export async function forgetMembership({ store }: Deps, account: string, roomId: string): Promise<void> {
  await store.atomically(async () => {
    const m = await store.roomMembers.findOne({ roomId, account });
    if (m) await store.roomMembers.delete(m.id);
    await store.roomLeases.updateWhere({ roomId, account }, { leaseUntil: new Date(0) });
  });
}

/** The room's unsent entries named for another account (or waiting for one) now go to `account` ('*' ones any account may take). */
async function adopt({ store }: Deps, roomIds: readonly string[], account: string): Promise<number> {
  if (!roomIds.length) return 0;
  return store.outbox.updateWhere({ roomId: { in: roomIds }, status: UNSENT, account: { nin: [account, '*'] } }, { account });
}

/**
 * `account` serves the room from now until now + leaseMs: a room nobody holds, a lease it
 * holds already (renewed), or one whose lease ran out. A compare-and-set on the lease, and,
 * in the same unit of work, the room's unsent entries move to the account, so a kill
 * between the two cannot strand them. False when another account holds a live lease.
 * (Only for accounts in the room: callers check membership.)
 */
export async function takeRoom(
  deps: Deps,
  input: { roomId: string; account: string; worker: string; leaseMs: number },
): Promise<Date | null> {
  const { store, clock } = deps;
  const now = clock.now();
  const leaseUntil = new Date(now.getTime() + input.leaseMs);
  const lease = await store.roomLeases.findOne({ roomId: input.roomId });
  if (lease && lease.account !== input.account && lease.leaseUntil > now) return null;
  const took = await store.atomically(async () => {
    if (!lease) {
      // another account may have taken it first
      if (!(await store.roomLeases.insertIfAbsent({ roomId: input.roomId, account: input.account, leaseUntil, worker: input.worker })))
        return false;
    } else if (
      !(await store.roomLeases.updateWhere(
        { roomId: input.roomId, account: lease.account, leaseUntil: lease.leaseUntil },
        { account: input.account, leaseUntil, worker: input.worker },
      ))
    ) {
      return false;
    }
    if (!lease || lease.account !== input.account) await adopt(deps, [input.roomId], input.account);
    return true;
  });
  if (took && (!lease || lease.account !== input.account)) deps.bell.ring([input.account]);
  return took ? leaseUntil : null;
}

/**
 * Of the due entries an account is about to take, the rooms it may send to now: the rooms
 * it serves, and rooms without a live lease that it is a member of (taken here) — or, in a
 * room no account has been recorded in (a single account, or data from before accounts
 * were recorded), rooms whose entries name it or any account. The other rooms' entries are
 * handed to the account serving the room, or left to wait for a member (`UNSERVED`).
 */
export async function sendableRooms(
  deps: Deps,
  input: { account: string; worker: string; roomLeaseMs: number; serves?: (roomId: string) => boolean },
  entries: readonly OutboxEntry[],
): Promise<Set<string>> {
  const { store, clock } = deps;
  const ok = new Set<string>();
  const ask: string[] = [];
  for (const e of entries) {
    if (!e.roomId || ok.has(e.roomId) || ask.includes(e.roomId)) continue;
    if (input.serves?.(e.roomId)) ok.add(e.roomId);
    else ask.push(e.roomId);
  }
  if (!ask.length) return ok;
  const now = clock.now();
  const leases = new Map<string, RoomLease>((await store.roomLeases.find({ roomId: { in: ask } })).map((l) => [l.roomId, l]));
  const live = (roomId: string) => {
    const l = leases.get(roomId);
    return l && l.leaseUntil > now ? l : null;
  };
  const open = ask.filter((r) => !live(r));
  const members = new Map<string, string[]>();
  for (const m of open.length ? await store.roomMembers.find({ roomId: { in: open } }) : [])
    members.set(m.roomId, [...(members.get(m.roomId) ?? []), m.account]);
  const renew: string[] = [];
  for (const roomId of ask) {
    const l = live(roomId);
    if (l?.account === input.account) {
      ok.add(roomId);
      continue;
    }
    if (l) {
      await hand(deps, roomId, input.account, l.account);
      continue;
    }
    const inRoom = members.get(roomId) ?? [];
    if (inRoom.length > 0 && !inRoom.includes(input.account)) {
      await hand(deps, roomId, input.account, UNSERVED);
      continue;
    }
    // its own leases that ran out are renewed together, below; a room lost to another member
    // meanwhile is seen on the next look
    if (leases.get(roomId)?.account === input.account) renew.push(roomId);
    else if (await takeRoom(deps, { roomId, account: input.account, worker: input.worker, leaseMs: input.roomLeaseMs })) ok.add(roomId);
  }
  if (renew.length) {
    // (a member taking one of these meanwhile compares the old leaseUntil: one of the two wins)
    const leaseUntil = new Date(now.getTime() + input.roomLeaseMs);
    const n = await store.roomLeases.updateWhere({ roomId: { in: renew }, account: input.account }, { leaseUntil, worker: input.worker });
    const held =
      n === renew.length
        ? renew
        : (await store.roomLeases.find({ roomId: { in: renew }, account: input.account, leaseUntil })).map((l) => l.roomId);
    for (const r of held) ok.add(r);
  }
  return ok;
}

/** This account's (or anyone's) unsent entries of a room go to `to`. */
async function hand({ store }: Deps, roomId: string, from: string, to: string): Promise<void> {
  await store.outbox.updateWhere({ roomId, status: UNSENT, account: { in: [from, '*'] } }, { account: to });
}

export interface RoomKeeperOptions {
  /** this process, as lease holder (diagnostics) */
  worker: string;
  /** how long a lease lasts unrenewed: how long a stopped process's rooms wait for another member */
  leaseMs: number;
  /** how often leases are renewed and free rooms taken (default leaseMs / 3) */
  everyMs?: number;
  /**
   * The account cannot send for a while (its daily cap spent, or cooling down after WeChat's
   * "too frequent": its sender's `resting`). Meanwhile it hands on the rooms another member
   * account is in — their leases end now, and it takes none of them — so a member that can
   * send serves them today rather than this account tomorrow; it keeps the rooms it is alone in.
   * A message heard in such a room that no other member has taken is still handled here (`serve`
   * takes the room): what a landlord sends is recorded whoever can answer it.
   */
  resting?: () => boolean;
}

/**
 * One process's side of the room leases, for its account: renews the leases it holds,
 * takes the rooms it is in that nobody serves (or whose server stopped), and brings to the
 * account entries queued for its rooms under another account. `serves` answers from
 * memory, for the message lanes and the outbox worker.
 */
export function createRoomKeeper(deps: Deps, o: RoomKeeperOptions) {
  const { store, clock } = deps;
  const everyMs = o.everyMs ?? Math.max(1, Math.floor(o.leaseMs / 3));
  /** room → until when this process's lease is known to hold (the lease it wrote) */
  const served = new Map<string, number>();
  const members = new Set<string>();
  let account: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ticking: Promise<void> | null = null;
  let stopped = false;
  let ready!: () => void;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });

  async function tick(): Promise<void> {
    if (!account) return;
    const me = account;
    const now = clock.now();
    const until = new Date(now.getTime() + o.leaseMs);
    const all = await store.roomMembers.distinct('roomId', { account: me });
    members.clear();
    for (const roomId of all) members.add(roomId);
    const handedOn = new Set<string>();
    if (o.resting?.()) {
      const shared = await store.roomMembers.distinct('roomId', { roomId: { in: all }, account: { nin: [me] } });
      for (const roomId of shared) handedOn.add(roomId);
      if (shared.length) await store.roomLeases.updateWhere({ account: me, roomId: { in: shared } }, { leaseUntil: new Date(0) });
    }
    const mine = handedOn.size ? all.filter((r) => !handedOn.has(r)) : all;
    // renewed in one statement, for rooms the account is still in; a lease another member
    // took meanwhile is no longer ours to renew
    await store.roomLeases.updateWhere({ account: me, roomId: { in: mine } }, { leaseUntil: until, worker: o.worker });
    const held = await store.roomLeases.distinct('roomId', { account: me, leaseUntil: until });
    served.clear();
    for (const roomId of held) served.set(roomId, until.getTime());
    const others = await store.roomLeases.find(
      { roomId: { in: mine.filter((r) => !served.has(r)) } },
      { fields: ['roomId', 'leaseUntil'] },
    );
    const leased = new Map(others.map((l) => [l.roomId, l]));
    for (const roomId of mine) {
      if (served.has(roomId)) continue;
      const l = leased.get(roomId);
      if (l && l.leaseUntil > now) continue;
      const got = await takeRoom(deps, { roomId, account: me, worker: o.worker, leaseMs: o.leaseMs });
      if (got) served.set(roomId, got.getTime());
    }
    // entries queued under another account after this one took the room (a post whose
    // enqueue read the room's old account) come here
    if (await adopt(deps, [...served.keys()], me)) deps.bell.ring([me]);
  }

  const run = (): Promise<void> =>
    (ticking ??= tick()
      .catch((err) => {
        deps.log.error({ err }, 'room leases not renewed');
      })
      .finally(() => {
        ticking = null;
      }));

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void run().then(schedule);
    }, everyMs);
    timer.unref?.();
  }

  return {
    /** resolves once `start` has recorded the account's rooms and taken the free ones */
    ready: started,
    /** the account is logged in and in these rooms: record them, take what is free, keep renewing */
    async start(me: string, roomIds: readonly string[]): Promise<void> {
      account = me;
      stopped = false;
      await recordMembership(deps, me, roomIds);
      for (const r of roomIds) members.add(r);
      await run();
      ready();
      if (!timer) schedule();
    },
    /** whether this process serves the room now (from memory: the lease it wrote has not run out) */
    serves(roomId: string): boolean {
      return (served.get(roomId) ?? 0) > clock.now().getTime();
    },
    /**
     * A message came in a room: the account is in it. True when this process serves the
     * room (taking it if nobody does); false when another member account serves it.
     */
    async serve(roomId: string): Promise<boolean> {
      await started; // (messages heard before the room list is recorded wait for it)
      if (!account) return false;
      if (!members.has(roomId)) {
        await recordMembership(deps, account, [roomId]);
        members.add(roomId);
      }
      if ((served.get(roomId) ?? 0) > clock.now().getTime()) return true;
      const got = await takeRoom(deps, { roomId, account, worker: o.worker, leaseMs: o.leaseMs });
      if (got) served.set(roomId, got.getTime());
      return got !== null;
    },
    /** the account joined a room */
    async joined(roomId: string): Promise<void> {
      if (!account) return;
      await recordMembership(deps, account, [roomId]);
      members.add(roomId);
      await run();
    },
    /** the account left (or was removed from) a room: another member takes it at once */
    async left(roomId: string): Promise<void> {
      if (!account) return;
      served.delete(roomId);
      members.delete(roomId);
      await forgetMembership(deps, account, roomId);
    },
    /** renews and takes now (tests; otherwise every everyMs) */
    tick: run,
    /** stops renewing and ends this process's leases, so other members take its rooms at once */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await ticking;
      if (account) await store.roomLeases.updateWhere({ account, worker: o.worker }, { leaseUntil: clock.now() }).catch(() => 0);
      served.clear();
    },
  };
}
export type RoomKeeper = ReturnType<typeof createRoomKeeper>;
