import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { roleAllows } from '../../domain/policy';
import { shortenAddress } from '../../domain/privacy';
import type { House } from '../../domain/types';
import { audit } from '../../services/access/audit';
import { houseArchive } from '../../services/houses/house-archive';
import { houseOfPlacard, placardTokens, rotatePlacardToken } from '../../services/houses/placards';
import { searchHouses } from '../../services/houses/search-houses';
import { pageQuery } from '../paging';
import { entryPhotos, entryText, fixTexts, roundText, type Saying } from '../../render/archive-text';
import { archivePdf } from '../../render/pdf/archive-pdf';
import { placardsPdf } from '../../render/pdf/placards-pdf';
import { currentActor, effectiveScope, inCallerScope, loadInScope } from '../authorize';
import type { AppOptions, Ctx } from '../context';
import type { RouteTable } from '../route-table';
import { createThumbnails } from '../thumbnails';

/** `?limit=&offset=` of a house's timeline (newest first). */
export const archiveQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
const noQuery = z.object({}).strict();
/** `?q=` words of a code or an address (all must match), in a scope, paged */
export const houseSearchQuery = pageQuery.omit({ after: true }).extend({ q: z.string().trim().max(60).default('') });
/** a group's file and placards: its houses, at most this many (a group is about ten) */
const GROUP_MAX_HOUSES = 200;
/** the whole history, for a printed file */
const ALL = 100_000;

/** The placard link of a token: PUBLIC_URL when set, else the address this request came to. */
export const placardLink = (o: AppOptions, ctx: Ctx, token: string): string =>
  `${o.publicUrl ?? `${ctx.protocol}://${ctx.host}`}/p/${token}`;

/**
 * 一户一档 and 一户一码 (issue 27): a house's record and plan (JSON and PDF), a group's file and
 * placard sheet, a placard's token rotated, and a scanned token opened by staff. A house outside
 * the caller's scope is the same 404 as one that does not exist.
 */
export function houseRoutes(o: AppOptions, router: RouteTable): void {
  const thumbnail = createThumbnails(120, 500);
  const saying = (ctx: Ctx): Saying => ({ t: o.t, lng: ctx.state.lng, timeZone: o.timeZone });
  /** phones in full for those who may read them (and that reading is audited), masked for heads */
  const phoneShown = async (ctx: Ctx, houses: readonly House[]): Promise<boolean> => {
    const actor = currentActor(ctx);
    if (!roleAllows(actor.role, 'phones:read')) return false;
    const ids = [...new Set(houses.map((h) => h.landlordId))];
    if (ids.length)
      await audit(o, {
        actor: actor.id,
        action: 'read_phones',
        target: ids.length === 1 ? `landlords:${ids[0]}` : 'landlords',
        detail: { ids },
        at: houses.length === 1 ? houses[0] : { ...actor.scope },
      });
    return true;
  };
  const thumb = async (photoId: string): Promise<Buffer | null> => {
    const photo = await o.store.photos.get(photoId);
    return photo ? thumbnail(photo.sha256, () => o.store.blobs.get(photo.sha256)) : null;
  };
  const pdf = (ctx: Ctx, name: string, bytes: Buffer) => {
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="${encodeURIComponent(name)}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}.pdf`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = bytes;
  };

  router.get('/house-search', 'records:read', async (ctx) => {
    const q = houseSearchQuery.parse(ctx.query);
    const within = await effectiveScope(o.store, ctx, q.scope);
    ctx.body = { ...(await searchHouses(o, { within, q: q.q, limit: q.limit, offset: q.offset })), limit: q.limit, offset: q.offset };
  });

  router.get('/houses/:id/archive', 'records:read', async (ctx) => {
    const q = archiveQuery.parse(ctx.query);
    const house = await loadInScope(ctx, o.store.houses, 'houses');
    const archive = await houseArchive(o, { house, showPhone: await phoneShown(ctx, [house]), ...q });
    const s = saying(ctx);
    ctx.body = {
      ...archive,
      // each entry also as a line in the caller's language, with the photos it shows
      timeline: {
        ...archive.timeline,
        items: archive.timeline.items.map((e) => ({ ...e, text: entryText(s, e), photos: entryPhotos(e) })),
      },
      plan: {
        ...archive.plan,
        hazards: archive.plan.hazards.map((h) => ({ ...h, ...fixTexts(s, h) })),
        roundText: roundText(s, archive.plan.round),
      },
    };
  });

  router.get('/houses/:id/archive.pdf', 'records:read', async (ctx) => {
    noQuery.parse(ctx.query);
    const house = await loadInScope(ctx, o.store.houses, 'houses');
    const archive = await houseArchive(o, { house, showPhone: await phoneShown(ctx, [house]), limit: ALL, offset: 0 });
    const title = o.t('api:archive.title', { lng: ctx.state.lng, code: house.code });
    const bytes = await archivePdf({
      title,
      houses: [{ archive, entries: archive.timeline.items }],
      say: saying(ctx),
      printedAt: o.clock.now(),
      thumb,
    });
    pdf(ctx, title, bytes);
  });

  router.get('/groups/:id/archive.pdf', 'records:read', async (ctx) => {
    noQuery.parse(ctx.query);
    const group = await loadGroup(ctx);
    const houses = await o.store.houses.find({ groupId: group.id }, { sort: { code: 1 }, limit: GROUP_MAX_HOUSES });
    const showPhone = await phoneShown(ctx, houses);
    const printed = [];
    for (const house of houses) {
      const archive = await houseArchive(o, { house, showPhone, limit: ALL, offset: 0 });
      printed.push({ archive, entries: archive.timeline.items });
    }
    const title = o.t('api:archive.group_title', { lng: ctx.state.lng, group: group.name, count: houses.length });
    pdf(ctx, title, await archivePdf({ title, houses: printed, say: saying(ctx), printedAt: o.clock.now(), thumb }));
  });

  router.get('/groups/:id/placards.pdf', 'records:edit', async (ctx) => {
    noQuery.parse(ctx.query);
    const group = await loadGroup(ctx);
    if (!inCallerScope(ctx, { communityId: group.communityId, gridId: group.gridId, groupId: group.id }, 'records:edit'))
      throw new DomainError('forbidden', "group outside the caller's scope");
    const houses = await o.store.houses.find({ groupId: group.id }, { sort: { code: 1 }, limit: GROUP_MAX_HOUSES });
    const tokens = await placardTokens(o, houses);
    const lng = ctx.state.lng;
    const title = o.t('api:placard.sheet_title', { lng, group: group.name });
    const bytes = await placardsPdf({
      title,
      // street and number only: a placard hangs on a public door
      placards: houses.map((h) => ({ code: h.code, place: shortenAddress(h.address), link: placardLink(o, ctx, tokens.get(h.id)!) })),
      say: { heading: o.t('api:placard.heading', { lng }), scan: o.t('api:placard.scan', { lng }) },
    });
    pdf(ctx, title, bytes);
  });

  router.post('/houses/:id/placard/rotate', 'records:edit', async (ctx) => {
    const house = await loadInScope(ctx, o.store.houses, 'houses');
    if (!inCallerScope(ctx, house, 'records:edit')) throw new DomainError('forbidden', "house outside the caller's scope");
    const token = await rotatePlacardToken(o, { house, by: currentActor(ctx).id });
    ctx.status = 201;
    ctx.body = { houseId: house.id, code: house.code, link: placardLink(o, ctx, token) };
  });

  // a placard scanned by signed-in staff: which house it is, if it lies in their scope
  router.get('/placards/:token', 'records:read', async (ctx) => {
    const house = await houseOfPlacard(o, String(ctx.params.token));
    if (!house || !inCallerScope(ctx, house)) throw new DomainError('not_found', 'placard', { whatKey: 'houses' });
    ctx.body = { houseId: house.id, code: house.code };
  });

  async function loadGroup(ctx: Ctx) {
    const group = await o.store.groups.get(String(ctx.params.id).slice(0, 64));
    if (!group || !inCallerScope(ctx, { communityId: group.communityId, gridId: group.gridId, groupId: group.id }))
      throw new DomainError('not_found', 'group', { what: o.t('api:what.groups', { lng: ctx.state.lng }) });
    return group;
  }
}
