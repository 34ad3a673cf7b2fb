import type { Group, Locale } from '../../domain/types';
import type { Deps } from '../deps';

/** `语言 English`: the language the bot answers this group in. */
export async function setGroupLanguage({ store }: Deps, group: Group, locale: Locale): Promise<void> {
  await store.groups.update(group.id, { locale });
}

/** The groups of these houses, in the order their houses come. */
export async function groupsOfHouses({ store }: Deps, houses: readonly { groupId: string }[]): Promise<Group[]> {
  const ids = [...new Set(houses.map((h) => h.groupId))];
  const groups = await store.groups.find({ id: { in: ids } });
  return ids.map((id) => groups.find((g) => g.id === id)).filter((g): g is Group => Boolean(g));
}

/** The group a WeChat room is bound to, or null. */
export const groupOfRoom = ({ store }: Deps, roomId: string): Promise<Group | null> => store.groups.findOne({ roomId });
