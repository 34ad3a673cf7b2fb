/** Retention of demo mode's transcripts (issue 14): lines older than the cut are forgotten, newer ones kept in order. */
import { createDemoPuppet } from '../../bots/demo-puppet';
import { createSimulator } from '../../bots/simulator';

describe('simulator transcripts under retention', () => {
  it('prune drops the lines before the cut in every room and chat, and keeps the rest in order', async () => {
    const demo = createDemoPuppet();
    await demo.puppet.start();
    try {
      const self = demo.login();
      const sim = createSimulator(demo, () => self);
      const a = sim.createContact('甲');
      const room = sim.createRoom('联防1组', [a.id]);
      const heard = (n: number, chat = 0) => new Promise<void>((resolve) => {
        const check = () => { if (sim.roomMessages(room.id).length >= n && sim.contactMessages(a.id).length >= chat) { demo.puppet.off('message', check); resolve(); } };
        demo.puppet.on('message', check);
        check();
      });
      sim.post({ from: a.id, roomId: room.id, text: '旧的一条' });
      sim.post({ from: a.id, text: '私聊旧的' });
      await heard(1, 1);
      const cut = new Date(Math.max(...[...sim.roomMessages(room.id), ...sim.contactMessages(a.id)].map((m) => Date.parse(m.at))) + 1);
      // the next lines must be stamped after the cut: wait for the clock to pass it (a millisecond or two)
      while (Date.now() <= cut.getTime()) await new Promise((r) => setImmediate(r));
      sim.post({ from: a.id, roomId: room.id, text: '新的一条' });
      await heard(2);
      expect(sim.prune(new Date(0))).toBe(0);
      expect(sim.prune(cut)).toBe(2);
      expect(sim.roomMessages(room.id).map((m) => m.text)).toEqual(['新的一条']);
      expect(sim.contactMessages(a.id)).toEqual([]);
      expect(sim.prune(new Date(Date.now() + 1000))).toBe(1);
      expect(sim.roomMessages(room.id)).toEqual([]);
    } finally {
      await demo.puppet.stop();
    }
  });
});
