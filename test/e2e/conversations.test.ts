/**
 * Issue 8: conversations that hold up in real groups. Ten landlords type the whole story —
 * register, commit, every item's word and photo, menu answers — without waiting for any
 * reply, their messages interleaved at random (fixed seeds). Handled one after another per
 * room, the store ends exactly as in a one-message-at-a-time run, and every reply is right.
 * Four interleavings by default (seeds 1000-1003); CONVERSATION_SEEDS=n tries n of them.
 */
import { requiredItems } from '../../src/domain/checklist';
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { openRound } from '../../src/services/inspection/open-round';
import { botFixture, type Said } from '../support/bot-fixture';
import { sampleRosterBytes } from '../support/fixtures';
import { seededJpeg, seededPng } from '../support/images';

const GROUP = '平山村第1网格联防1组';
const ROSTER = sampleRosterBytes().toString('utf8').split('\n').slice(1, 11).map((l) => l.split(','));
const CODES = ROSTER.map((r) => r[3]!);
const WORD = { smoke: '烟感', extinguisher: '灭火器', ebike: '电动车', exit: '通道', wiring: '用电', kit: '四件套', placard: '钉牌' } as const;

type Step = { text: string } | { photo: Buffer };
type F = Awaited<ReturnType<typeof botFixture>>;

/** Landlord i's messages, in the order they type them: three ways of labelling photos, and a repeated `我承诺`. */
function storyOf(i: number): Step[] {
  const code = CODES[i]!;
  const steps: Step[] = [{ text: `登记 ${code}` }, { text: ROSTER[i]![6]!.slice(-4) }, { text: '我承诺' }]; // issue 25: the roster phone's last four digits
  if (i % 4 === 0) steps.push({ text: '我承诺' }); // the same thing twice
  requiredItems(Number(ROSTER[i]![7]) >= 10).forEach((item, n) => {
    const photo = (n % 2 ? seededPng : seededJpeg)(`${code}-${item}`);
    const way = (i + n) % 3;
    if (way === 0) steps.push({ photo }, { text: String(n + 1) }); // photo first, then the menu number
    else if (way === 1) steps.push({ text: WORD[item] }, { photo }); // the item word, then the photo
    else steps.push({ text: `${code} ${WORD[item]}` }, { photo }); // house and item named
  });
  return steps;
}

/** A seeded shuffle of the ten stories that keeps each landlord's own order (as WeChat delivers). */
function interleave(seed: number): [number, number][] {
  let s = seed >>> 0;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
  const next = Array(10).fill(0) as number[];
  const lengths = Array.from({ length: 10 }, (_, i) => storyOf(i).length);
  const order: [number, number][] = [];
  while (order.length < lengths.reduce((a, b) => a + b)) {
    const open = next.map((n, i) => (n < lengths[i]! ? i : -1)).filter((i) => i >= 0);
    const who = open[Math.floor(rand() * open.length)]!;
    order.push([who, next[who]!]);
    next[who]! += 1;
  }
  return order;
}

async function world() {
  const f = await botFixture();
  const landlords = ROSTER.map((r) => f.contact(r[5]!));
  const room = f.room(GROUP, landlords);
  const groupId = (await f.store.groups.findOne({ name: GROUP }))!.id;
  await openRound(f.deps, { period: '2026-11', deadline: new Date('2026-11-20T15:59:59Z'), scope: 'street', by: 'test' });
  const { code } = await issueBindCode(f.deps, 'group', groupId);
  return { f, landlords, room, groupId, bind: code };
}

const send = (w: Awaited<ReturnType<typeof world>>, who: number, step: Step) =>
  ('text' in step ? w.f.send(w.landlords[who]!, step.text, w.room) : w.f.sendPhoto(w.landlords[who]!, step.photo, w.room));

/** The store as people see it: each house's submission, every photo's house and label, the commitments. */
async function snapshot(f: F, groupId: string) {
  const houses = new Map((await f.store.houses.find({ groupId })).map((h) => [h.id, h.code]));
  const photos = await f.store.photos.find({ roundId: { ne: null } });
  const sha = new Map(photos.map((p) => [p.id, p.sha256]));
  return {
    submissions: (await f.store.submissions.find({ groupId })).map((s) => ({
      house: s.houseCode, status: s.status,
      items: Object.fromEntries(Object.entries(s.items).sort().map(([k, ids]) => [k, ids!.map((id) => sha.get(id))])),
    })).sort((a, b) => a.house.localeCompare(b.house)),
    photos: photos.map((p) => `${houses.get(p.houseId!)}:${p.item}:${p.counted}:${p.sha256.slice(0, 12)}`).sort(),
    commitments: (await f.store.commitments.find({ groupId })).map((c) => c.houseCode).sort(),
    registered: [...houses.values()].length,
    intentsLeft: await f.store.intents.count({}),
  };
}

/** What the bot said, with @mentions as landlord numbers (contact ids differ from world to world). */
const replyIn = (w: { landlords: { id: string }[] }) => (s: Said[]) =>
  s.map((x) => ({ text: x.text, mentions: x.mentions.map((id) => w.landlords.findIndex((l) => l.id === id)) }));

describe('ten landlords typing at once (issue 8)', () => {
  let expected: Awaited<ReturnType<typeof snapshot>>;
  /** the one-at-a-time replies, by landlord and step */
  const answers = new Map<string, ReturnType<ReturnType<typeof replyIn>>>();

  beforeAll(async () => {
    const w = await world();
    const reply = replyIn(w);
    try {
      expect(reply(await w.f.answerTo(w.f.send(w.landlords[0]!, `绑定群 ${w.bind}`, w.room)))[0]!.text).toContain(GROUP);
      for (let i = 0; i < 10; i += 1) {
        for (const [n, step] of storyOf(i).entries()) answers.set(`${i}:${n}`, reply(await w.f.answerTo(send(w, i, step))));
      }
      expected = await snapshot(w.f, w.groupId);
    } finally { await w.f.close(); }
  });

  it('the one-at-a-time run completes every house', () => {
    expect(expected.submissions).toHaveLength(10);
    expect(expected.submissions.every((s) => s.status === 'complete')).toBe(true);
    expect(expected.commitments).toEqual(CODES);
    expect(expected.photos.every((p) => !p.includes(':null:') && p.includes(':true:'))).toBe(true);
    expect(expected.intentsLeft).toBe(0);
    // every message of the story is answered once, save an item word said before its photo: the photo's reply answers both (issue 25)
    const named = (k: string) => {
      const [i, n] = k.split(':').map(Number);
      const step = storyOf(i!)[n!]!;
      return 'text' in step && Object.values(WORD).some((w) => step.text.endsWith(w));
    };
    for (const [k, r] of answers) expect([k, r.length]).toEqual([k, named(k) ? 0 : 1]);
  });

  // four orders by default (each is a whole group's month of typing, and each seed's order is fixed, so
  // seeds 1000-1003 are the same four every run); CONVERSATION_SEEDS=n tries more (8 were the default
  // until the suite's time was cut: run CONVERSATION_SEEDS=8 or more after touching the bot's per-room handling)
  const SEEDS = Number(process.env.CONVERSATION_SEEDS ?? 4);
  it.each(Array.from({ length: SEEDS }, (_, k) => 1000 + k))('interleaving seed %i: same store, every reply right', async (seed) => {
    const w = await world();
    const reply = replyIn(w);
    try {
      const bind = w.f.send(w.landlords[0]!, `绑定群 ${w.bind}`, w.room);
      const order = interleave(seed);
      const stories = Array.from({ length: 10 }, (_, i) => storyOf(i));
      // everything is sent before anything is awaited, as fast typists do
      const ids = order.map(([who, n]) => send(w, who, stories[who]![n]!));
      expect(reply(await w.f.answerTo(bind))[0]!.text).toContain(GROUP);
      let commits = 0;
      for (const [k, [who, n]] of order.entries()) {
        const got = reply(await w.f.answerTo(ids[k]!));
        const want = answers.get(`${who}:${n}`)!;
        const step = stories[who]![n]!;
        if ('text' in step && step.text === '我承诺') {
          // the group's tally counts the commitments handled before this one, in this order
          if (got[0]!.text.includes('已收到承诺')) commits += 1;
          const tally = (s: string) => s.replace(/本组已承诺 \d+\/10/, `本组已承诺 ${commits}/10`);
          expect(got).toEqual(want.map((r) => ({ ...r, text: tally(r.text) })));
        } else {
          expect(got).toEqual(want);
        }
      }
      expect(await snapshot(w.f, w.groupId)).toEqual(expected);
    } finally { await w.f.close(); }
  });
});
