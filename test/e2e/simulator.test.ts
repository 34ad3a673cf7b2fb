/**
 * Demo mode by hand, as a staff member would try it: the app as `npm start` composes it
 * (in-process), the seeded demo street, and a group's story told through /api/v1/sim.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { start, type Running } from '../../src/main';
import { silentLog, tempDir } from '../support/fixtures';
import { uniqueJpeg } from '../support/images';

let running: Running;
let base: string;
let token: string;
const tmp = tempDir('anxin-sim-');

beforeAll(async () => {
  running = await start(loadConfig({ DATA_DIR: tmp.dir, PORT: '0', HOST: '127.0.0.1', SEND_INTERVAL_MS: '0' }), silentLog);
  base = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}/api/v1`;
  token = readFileSync(path.join(tmp.dir, 'admin-token'), 'utf8').trim();
});
afterAll(async () => { await running.stop(); tmp.cleanup(); });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies, checked by the assertions
async function call(method: string, p: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const r = await fetch(`${base}${p}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Json };
}
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('the simulator in demo mode', () => {
  it('tells a group story: bind, register, commit, a photo, progress — replies and @mentions in order', async () => {
    const group = (await call('GET', '/groups?limit=1')).body.items[0];
    const houses = (await call('GET', `/houses?scope=group:${group.id}&limit=3`)).body.items;
    const { code } = (await call('POST', `/groups/${group.id}/bind-code`)).body;
    const people: string[] = [];
    for (const name of ['房东甲', '房东乙', '房东丙']) people.push((await call('POST', '/sim/contacts', { name })).body.id);
    const room = (await call('POST', '/sim/rooms', { topic: group.name, memberIds: people })).body.id;

    expect((await call('POST', '/sim/messages', { from: people[0], roomId: room, text: `绑定群 ${code}` })).status).toBe(202);
    await settle();
    for (const [i, who] of people.entries()) await call('POST', '/sim/messages', { from: who, roomId: room, text: `登记 ${houses[i].code}` });
    await settle();
    await call('POST', '/sim/messages', { from: people[1], roomId: room, text: '我承诺' });
    await call('POST', '/rounds', { period: '2026-12', deadline: '2099-12-20', scope: `group:${group.id}` });
    await settle();
    const jpeg = uniqueJpeg();
    expect((await call('POST', '/sim/messages', { from: people[1], roomId: room, imageBase64: jpeg.toString('base64'), filename: 'smoke.jpg' })).status).toBe(202);
    await settle();
    await call('POST', '/sim/messages', { from: people[1], roomId: room, text: '1' });
    await call('POST', '/sim/messages', { from: people[0], roomId: room, text: '进度' });
    await settle();

    const transcript = (await call('GET', `/sim/rooms/${room}/messages`)).body as { from: string; text?: string; image?: string; mentions: string[] }[];
    const bot = transcript.find((m) => m.text?.includes('本群已绑定'))!.from;
    const botSaid = transcript.filter((m) => m.from === bot).map((m) => m.text ?? '');
    expect(botSaid[0]).toContain(`“${group.name}”`);
    expect(botSaid.filter((t) => t.includes('登记成功'))).toHaveLength(3);
    expect(botSaid.some((t) => t.includes('本组已承诺 1/10'))).toBe(true);
    expect(botSaid.some((t) => t.includes('月度消防自查开始'))).toBe(true);
    expect(botSaid.some((t) => t.includes('请回复数字'))).toBe(true);
    expect(botSaid.some((t) => t.includes('【烟感报警器】'))).toBe(true);
    expect(botSaid.at(-1)).toContain('进度');
    expect(transcript.some((m) => m.image === 'smoke.jpg' && m.from === people[1])).toBe(true);
    expect(transcript.find((m) => m.text?.includes('本组已承诺 1/10'))!.mentions).toEqual([people[1]]);
    // chatter gets no reply: only the chatter itself is added
    await call('POST', '/sim/messages', { from: people[2], roomId: room, text: '大家好，今天检查吗' });
    await settle();
    const after = (await call('GET', `/sim/rooms/${room}/messages`)).body as { from: string }[];
    expect(after.length).toBe(transcript.length + 1);
    expect(after.at(-1)!.from).toBe(people[2]);
    expect(JSON.stringify(transcript)).not.toMatch(/1700000\d{4}/); // no demo phone numbers
  }, 30_000);

  it('keeps a private chat transcript and refuses unknown people, rooms and bad bodies', async () => {
    const me = (await call('POST', '/sim/contacts', { name: '居民' })).body.id;
    await call('POST', '/sim/messages', { from: me, text: '帮助' });
    await settle();
    const chat = (await call('GET', `/sim/contacts/${me}/messages`)).body;
    expect(chat.map((m: { text: string }) => m.text.split('\n')[0])).toEqual(['帮助', '安心房东可以帮您：']);
    expect((await call('POST', '/sim/messages', { from: 'nobody', text: 'hi' })).status).toBe(404);
    expect((await call('POST', '/sim/messages', { from: me, roomId: 'nowhere@chatroom', text: 'hi' })).status).toBe(404);
    expect((await call('POST', '/sim/rooms', { topic: 'x', memberIds: ['ghost'] })).status).toBe(404);
    const bad = await call('POST', '/sim/messages', { from: me, text: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation');
    expect((await call('GET', '/sim/rooms/nowhere/messages')).status).toBe(404);
  });
});
