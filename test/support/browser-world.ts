/**
 * What the dashboard's browser tests share beyond the browser itself: picking from an Element
 * Plus select as a person does, and a group whose landlords have sent their whole month.
 */
import type { Page } from 'playwright-core';
import { requiredItems } from '../../src/domain/checklist';
import type { DemoApp } from './browser';
import { seededJpeg } from './images';
import { until, type Json } from './sim-client';

/** the words landlords name each item by, in the checklist's order */
export const ITEM_WORDS = ['烟感', '灭火器', '电动车', '通道', '用电', '四件套', '钉牌'];

/**
 * Picks an option of an Element Plus select by its visible label: chosen once the select shows
 * it (clicked again if it does not); a list still open (the click came while it opened, on a busy
 * machine) is closed as a person would.
 */
export async function choose(page: Page, select: string, label: string): Promise<void> {
  const chosen = page.locator(`[data-test=${select}]`, { hasText: label });
  // a click on an option still sliding open can go nowhere on a busy machine: a person clicks again
  for (let tries = 1; ; tries += 1) {
    if (!(await page.locator('.el-select-dropdown__item:visible', { hasText: label }).count())) await page.click(`[data-test=${select}]`);
    await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click();
    try {
      await chosen.waitFor({ timeout: tries < 3 ? 8_000 : 30_000 });
      break;
    } catch (e) {
      if (tries >= 3) throw e;
    }
  }
  if (await page.locator('.el-select-dropdown__item:visible').count()) await page.keyboard.press('Escape');
  await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' });
}

/**
 * The demo street's k-th group, bound to a simulated room, a round open for it, and its first
 * `count` landlords registered with every photo sent (their sets complete), as landlords would:
 * all at once, each saying their lines in order. `tag` keeps names and photos apart between callers.
 */
export async function completeSets(app: DemoApp, k: number, count: number, tag: string) {
  const group = ((await app.call('GET', `/groups?limit=1&offset=${k}`)).body.items as Json[])[0]!;
  const houses = (await app.call('GET', `/houses?scope=group:${group.id}&limit=${count}`)).body.items as Json[];
  const people: string[] = [];
  for (const [i] of houses.entries()) people.push((await app.call('POST', '/sim/contacts', { name: `${tag}房东${k}-${i}` })).body.id as string);
  const room = (await app.call('POST', '/sim/rooms', { topic: group.name, memberIds: people })).body.id as string;
  const { code } = (await app.call('POST', `/groups/${group.id}/bind-code`)).body;
  await app.call('POST', '/sim/messages', { from: people[0], roomId: room, text: `绑定群 ${code}` });
  await until(async () => ((await app.call('GET', `/groups/${group.id}`)).body.roomId ? true : false));
  expect((await app.call('POST', '/rounds', { period: '2026-12', deadline: '2099-12-20', scope: `group:${group.id}` })).status).toBe(201);
  await Promise.all(houses.map(async (h, i) => {
    const say = (text: string) => app.call('POST', '/sim/messages', { from: people[i], roomId: room, text });
    await say(`登记 ${h.code}`);
    await say(await app.proofOf(h as { landlordId: string }));
    for (const [n, item] of requiredItems(h.isKey as boolean).entries()) {
      await say(`${h.code} ${ITEM_WORDS[n]}`);
      await app.call('POST', '/sim/messages', { from: people[i], roomId: room, imageBase64: seededJpeg(`${tag}-${h.code}-${item}`).toString('base64'), filename: 'p.jpg' });
    }
  }));
  await until(async () => (await app.call('GET', `/submissions?scope=group:${group.id}&status=complete`)).body.total === houses.length || false);
  return { group, houses, people, room };
}
