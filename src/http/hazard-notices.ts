import type { Group, Hazard } from '../domain/types';
import { houseAudience } from '../services/sending/house-audience';
import type { AppOptions } from './context';
import { monthDay } from '../domain/date-format';

/**
 * What the house's room is told when a hazard is opened or closed from the API (the
 * dashboard, a script, or a tip accepted with a hazard): one notice per event, keyed by it,
 * so a retried request posts once. In the group's language, the landlord @mentioned.
 */
export function hazardNotices(o: AppOptions) {
  const deps = o;
  const botT = (g: Group) => (key: string, params: Record<string, unknown>) => o.t(`bot:${key}`, { lng: g.locale ?? o.locale, ...params });
  const tell = async (h: Hazard, key: string, text: (t: ReturnType<typeof botT>, lng: string) => string) => {
    const to = await houseAudience(deps, h.houseId);
    if (to) await o.notifier.post([{ key, roomId: to.roomId, text: text(botT(to.group), to.group.locale ?? o.locale), mentions: to.mentions }]);
  };
  const day = (h: Hazard, lng: string) => monthDay(lng, o.timeZone, h.deadline);
  return {
    opened: (h: Hazard) => tell(h, `hazard:open:${h.id}`, (t, lng) => t('hazard.opened', { number: h.number, code: h.houseCode, text: h.description, deadline: day(h, lng) })),
    closed: (h: Hazard) => tell(h, `hazard:close:${h.id}:${h.closedAt?.getTime() ?? 0}`, (t) => t('hazard.closed', { number: h.number, code: h.houseCode })),
  };
}
