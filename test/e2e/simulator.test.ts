/**
 * Demo mode by hand, as a staff member would try it: the app as `npm start` composes it
 * (in-process), the seeded demo street, and a group's story told through /api/v1/sim.
 * Each step waits for the bot's reply it needs, never for a pause.
 */
import { uniqueJpeg } from '../support/images';
import { demoApp, until, type Line } from '../support/sim-client';

let app: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => { app = await demoApp('anxin-sim-'); });
afterAll(async () => { await app.close(); });
const call = (method: string, p: string, body?: unknown) => app.call(method, p, body);

describe('the simulator in demo mode', () => {
  it('tells a group story: bind, register, commit, a photo, progress — replies and @mentions in order', async () => {
    const group = (await call('GET', '/groups?limit=1')).body.items[0];
    const houses = (await call('GET', `/houses?scope=group:${group.id}&limit=3`)).body.items;
    const { code } = (await call('POST', `/groups/${group.id}/bind-code`)).body;
    const people: string[] = [];
    for (const name of ['房东甲', '房东乙', '房东丙']) people.push((await call('POST', '/sim/contacts', { name })).body.id);
    const room = (await call('POST', '/sim/rooms', { topic: group.name, memberIds: people })).body.id;
    /** the bot's lines in the room, once there are at least n of them */
    let bot = '';
    const botSaid = (n: number) => until(async () => {
      const t = await app.transcript(room);
      bot ||= t.find((m) => m.text?.includes('本群已绑定'))?.from ?? '';
      const mine = t.filter((m) => m.from === bot);
      return bot && mine.length >= n ? mine.map((m) => m.text ?? '') : false;
    });

    expect((await call('POST', '/sim/messages', { from: people[0], roomId: room, text: `绑定群 ${code}` })).status).toBe(202);
    for (const [i, who] of people.entries()) {
      await call('POST', '/sim/messages', { from: who, roomId: room, text: `登记 ${houses[i].code}` });
      await call('POST', '/sim/messages', { from: who, roomId: room, text: await app.proofOf(houses[i]) }); // issue 25: the phone's last four
    }
    await call('POST', '/sim/messages', { from: people[1], roomId: room, text: '我承诺' });
    await botSaid(8);
    await call('POST', '/rounds', { period: '2026-12', deadline: '2099-12-20', scope: `group:${group.id}` });
    await botSaid(9); // the round's announcement
    const jpeg = uniqueJpeg();
    expect((await call('POST', '/sim/messages', { from: people[1], roomId: room, imageBase64: jpeg.toString('base64'), filename: 'smoke.jpg' })).status).toBe(202);
    await call('POST', '/sim/messages', { from: people[1], roomId: room, text: '1' });
    await call('POST', '/sim/messages', { from: people[0], roomId: room, text: '进度' });
    const said = await botSaid(12);

    const transcript = await app.transcript(room);
    expect(said[0]).toContain(`“${group.name}”`);
    expect(said.filter((t) => t.includes('登记成功'))).toHaveLength(3);
    expect(said.some((t) => t.includes('本组已承诺 1/10'))).toBe(true);
    expect(said.some((t) => t.includes('月度消防自查开始'))).toBe(true);
    expect(said.some((t) => t.includes('请回复数字'))).toBe(true);
    expect(said.some((t) => t.includes('第1张：烟感报警器'))).toBe(true); // the menu answer says which photo it labelled (issue 25)
    expect(said.at(-1)).toContain('进度');
    expect(transcript.some((m) => m.image === 'smoke.jpg' && m.from === people[1])).toBe(true);
    expect(transcript.find((m) => m.text?.includes('本组已承诺 1/10'))!.mentions).toEqual([people[1]]);
    // chatter gets no reply: a probe sent after it is answered, and nothing came between
    await call('POST', '/sim/messages', { from: people[2], roomId: room, text: '大家好，今天检查吗' });
    await call('POST', '/sim/messages', { from: people[2], roomId: room, text: '进度' });
    await botSaid(13);
    const after = (await app.transcript(room)).slice(transcript.length) as Line[];
    expect(after.map((m) => (m.from === bot ? 'bot' : m.text))).toEqual(['大家好，今天检查吗', '进度', 'bot']);
    expect(JSON.stringify(transcript)).not.toMatch(/1700000\d{4}/); // no demo phone numbers
  }, 180_000);

  it('keeps a private chat transcript and refuses unknown people, rooms and bad bodies', async () => {
    const me = (await call('POST', '/sim/contacts', { name: '居民' })).body.id;
    await call('POST', '/sim/messages', { from: me, text: '帮助' });
    const chat = await until(async () => { const c = await app.chat(me); return c.length >= 2 ? c : false; });
    expect(chat.map((m) => m.text!.split('\n')[0])).toEqual(['帮助', '安心房东可以帮您：']);
    expect((await call('POST', '/sim/messages', { from: 'nobody', text: 'hi' })).status).toBe(404);
    expect((await call('POST', '/sim/messages', { from: me, roomId: 'nowhere@chatroom', text: 'hi' })).status).toBe(404);
    expect((await call('POST', '/sim/rooms', { topic: 'x', memberIds: ['ghost'] })).status).toBe(404);
    const bad = await call('POST', '/sim/messages', { from: me, text: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation');
    expect((await call('GET', '/sim/rooms/nowhere/messages')).status).toBe(404);
  });

  it('speaks WeChat\'s other kinds: a voice privately is asked for text, a sticker and a recall are listed, people join and leave (issue 25)', async () => {
    const me = (await call('POST', '/sim/contacts', { name: '老房东' })).body.id;
    expect((await call('POST', '/sim/messages', { from: me, kind: 'voice', filename: 'v.silk' })).status).toBe(202);
    const chat = await until(async () => { const c = await app.chat(me); return c.length >= 2 ? c : false; });
    expect(chat[0]).toMatchObject({ from: me, kind: 'voice' });
    expect(chat[1]!.text).toContain('请用文字或照片');
    const room = (await call('POST', '/sim/rooms', { topic: '闲聊群', memberIds: [me] })).body.id;
    for (const kind of ['sticker', 'video', 'file', 'link']) expect((await call('POST', '/sim/messages', { from: me, roomId: room, kind, text: kind === 'link' ? 'https://example.org/a' : undefined })).status).toBe(202);
    const said = (await call('POST', '/sim/messages', { from: me, roomId: room, text: '你好', quote: '早上好' })).body.id;
    expect((await call('POST', '/sim/messages', { from: me, roomId: room, kind: 'recall', messageId: said })).status).toBe(202);
    const lines = await until(async () => { const t = await app.transcript(room); return t.length >= 6 ? t : false; });
    expect(lines.map((m) => m.kind ?? 'text')).toEqual(['sticker', 'video', 'file', 'link', 'text', 'recall']);
    expect(lines[4]!.text).toContain('早上好');
    expect((await call('POST', `/sim/rooms/${room}/leave`, { contactIds: [me] })).status).toBe(202);
    expect((await call('POST', `/sim/rooms/${room}/join`, { contactIds: ['ghost'] })).status).toBe(404);
    expect((await call('POST', '/sim/messages', { from: me, kind: 'hologram' })).status).toBe(400);
  });
});
