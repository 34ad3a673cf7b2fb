/**
 * The city simulation's virtual clock (scripts/sim/virtual-time.ts): it moves only when every
 * actor waits, jumps to the next thing due, and a ring wakes a waiting sender at the same instant.
 */
import { VirtualTime } from '../../scripts/sim/virtual-time';

const T0 = Date.parse('2027-03-01T00:00:00Z');

describe('the virtual clock of sim:city', () => {
  it('stands still while an actor works (real I/O included) and jumps to what is due next', async () => {
    const vt = new VirtualTime(new Date(T0));
    const seen: string[] = [];
    const a = vt.actor();
    void (async () => {
      for (;;) {
        // real work that takes real time: the clock must not move meanwhile
        await new Promise((r) => setTimeout(r, 5));
        seen.push(`work ${vt.now - T0}`);
        await a.sleep(1000);
      }
    })();
    vt.at(T0 + 1500, async () => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(`event ${vt.now - T0}`);
    });
    await vt.run(T0 + 2500);
    a.kill();
    expect(seen).toEqual(['work 0', 'work 1000', 'event 1500', 'work 2000']);
    expect(vt.now).toBe(T0 + 2500);
  });

  it('a ring wakes a sender waiting on its bell at once; a killed actor never wakes', async () => {
    const vt = new VirtualTime(new Date(T0));
    const hub = vt.bellHub();
    const woke: number[] = [];
    const a = vt.actor();
    const bell = hub.bellFor(a, 'wxid_a');
    void (async () => {
      for (;;) {
        await bell.wait(60_000);
        woke.push(vt.now - T0);
      }
    })();
    vt.at(T0 + 10, () => hub.ring());
    // an entry queued for another account does not wake this sender; one for it, or for any account, does
    vt.at(T0 + 20, () => hub.ring(['wxid_b']));
    vt.at(T0 + 100_000, () => hub.ring(['wxid_b', 'wxid_a']));
    vt.at(T0 + 100_100, () => hub.ring(['*']));
    await vt.run(T0 + 100_500);
    expect(woke).toEqual([10, 60_010, 100_000, 100_100]);
    a.kill();
    vt.at(vt.now + 10, () => hub.ring());
    await vt.run(vt.now + 200_000);
    expect(woke).toEqual([10, 60_010, 100_000, 100_100]);
  });
});
