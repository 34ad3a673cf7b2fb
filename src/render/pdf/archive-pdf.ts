import type { HouseArchive, TimelineEntry } from '../../services/houses/house-archive';
import { dateTime, entryPhotos, entryText, fixTexts, roundText, type Saying } from '../archive-text';
import { a4Document } from './pdf-document';

/** A house's printed record: the archive, with its whole timeline (newest first). */
export interface PrintedHouse {
  archive: HouseArchive;
  entries: readonly TimelineEntry[];
}

/** the printed history of one house stops here (the rest is in the system, and the file says so) */
export const PRINTED_ENTRIES = 300;
/** the ideographic space between fields of a printed line (U+3000) */
const SP = '\u3000';
/** thumbnails per house, newest first: the latest rounds and hazards, enough for a visit, while a group's file stays quick (each is a photo of up to 20 MB decoded) */
export const PRINTED_THUMBS = 20;
const THUMB = 54;
const GAP = 6;

/**
 * 一户一档 on paper (issue 27): for each house, its facts, its plan (open hazards with their
 * measures and check, what the round still lacks) and its history newest first with photo
 * thumbnails. A4, the Chinese font embedded; one house starts on a new page.
 * `thumb` gives a small JPEG of a photo, or null (a photo that cannot be shown is left out).
 */
export async function archivePdf(input: {
  title: string;
  houses: readonly PrintedHouse[];
  say: Saying;
  printedAt: Date;
  thumb: (photoId: string) => Promise<Buffer | null>;
}): Promise<Buffer> {
  const s = input.say;
  const a = (key: string, params: Record<string, unknown> = {}) => s.t(`api:archive.${key}`, { lng: s.lng, ...params });
  const thumbs = await loadThumbs(input.houses, input.thumb);
  const { doc, bytes } = a4Document(input.title);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  // a line that fits is drawn as one run: pdfkit's line wrapper lays out every CJK character on its
  // own (each is a break opportunity), which made a group's file take seconds; only longer lines wrap
  const para = (text: string, size = 10, color = '#000000') => {
    doc.fillColor(color).fontSize(size);
    const fits = !text.includes('\n') && doc.widthOfString(text) <= width;
    if (!fits) {
      doc.text(text, left, doc.y, { width });
      return;
    }
    // (a run drawn whole neither turns the page nor moves down by itself: without the wrapper,
    // pdfkit moves only along the line, and every line was printed over the one before)
    const height = doc.currentLineHeight(true);
    ensure(height + 2);
    doc.text(text, left, doc.y, { lineBreak: false });
    doc.x = left;
    doc.y += height;
  };
  input.houses.forEach(({ archive, entries }, n) => {
    if (n > 0) doc.addPage();
    const { house, landlord, group, head, plan } = archive;
    para(a('title', { code: house.code }), 18);
    para(a('printed', { at: dateTime(s, input.printedAt) }), 8, '#666666');
    doc.moveDown(0.5);
    para(`${a('address')}：${house.address}`);
    para(`${a('group')}：${group?.name ?? '—'}${SP}${a('head')}：${head ? `${head.code} ${head.landlordName ?? ''}` : '—'}`);
    para(`${a('landlord')}：${landlord?.name ?? '—'}${SP}${a('phone')}：${landlord?.phone ?? '—'}`);
    para(`${a('tenants', { tenants: house.tenants, rooms: house.rooms })}${house.isKey ? `${SP}${a('key_house')}` : ''}`);
    doc.moveDown(0.6);
    para(a('plan'), 14);
    const round = roundText(s, plan.round);
    const notCommitted = !plan.committed && plan.letterVersion !== null;
    if (!plan.hazards.length && !round && !notCommitted) para(a('plan_none'));
    if (notCommitted) para(`• ${a('not_committed', { version: plan.letterVersion })}`);
    for (const h of plan.hazards) {
      const fix = fixTexts(s, h);
      para(`• ${fix.line}`, 10, h.overdue ? '#c0392b' : '#000000');
      para(`${SP}${a('measures')}：${fix.measures}`, 9);
      para(`${SP}${a('check_label')}：${fix.check}`, 9);
    }
    if (round) para(`• ${round}`);
    doc.moveDown(0.6);
    para(a('timeline'), 14);
    if (!entries.length) para(a('timeline_none'));
    let shown = 0;
    for (const e of entries.slice(0, PRINTED_ENTRIES)) {
      ensure(14);
      para(`${dateTime(s, e.at)}${SP}${entryText(s, e)}`, 9);
      const pics = entryPhotos(e)
        .map((id) => thumbs.get(id))
        .filter((b): b is Buffer => Boolean(b));
      if (!pics.length || shown >= PRINTED_THUMBS) continue;
      const perRow = Math.floor((width + GAP) / (THUMB + GAP));
      for (let i = 0; i < pics.length && shown < PRINTED_THUMBS; i += perRow) {
        ensure(THUMB + GAP);
        const y = doc.y + 2;
        pics.slice(i, i + perRow).forEach((pic, j) => {
          if (shown >= PRINTED_THUMBS) return;
          doc.image(pic, left + j * (THUMB + GAP), y, { fit: [THUMB, THUMB] });
          shown += 1;
        });
        doc.y = y + THUMB + GAP;
      }
    }
    const more = archive.timeline.total - Math.min(entries.length, PRINTED_ENTRIES);
    if (more > 0) para(a('timeline_more', { count: more }), 9, '#666666');
  });
  doc.end();
  return bytes;
}

/** The thumbnails the file will show, four at a time (each decoded from a photo of up to 20 MB). */
async function loadThumbs(houses: readonly PrintedHouse[], thumb: (id: string) => Promise<Buffer | null>): Promise<Map<string, Buffer>> {
  const wanted: string[] = [];
  for (const { entries } of houses) {
    let n = 0;
    for (const e of entries.slice(0, PRINTED_ENTRIES)) {
      for (const id of entryPhotos(e)) if (n++ < PRINTED_THUMBS) wanted.push(id);
    }
  }
  const ids = [...new Set(wanted)];
  const got = new Map<string, Buffer>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const b = await thumb(id).catch(() => null);
      if (b) got.set(id, b);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return got;
}
