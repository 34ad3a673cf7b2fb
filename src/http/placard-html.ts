import type { Translate } from '../i18n';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The public placard page's frame: phone-first, no script (the CSP allows none inline), Chinese first. */
function frame(lng: 'zh-CN' | 'en', title: string, body: string): string {
  return `<!doctype html>
<html lang="${lng}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${esc(title)}</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:30rem;margin:0 auto;padding:1rem;line-height:1.6;color:#222;font-size:17px}
h1{color:#c0392b;font-size:1.35rem;margin:.5rem 0}label{display:block;margin:1rem 0 .3rem;font-weight:600}
textarea{width:100%;box-sizing:border-box;min-height:7rem;font-size:17px;padding:.5rem;border:1px solid #bbb;border-radius:6px}
input[type=file]{width:100%;font-size:16px}button{margin-top:1.2rem;width:100%;padding:.8rem;font-size:18px;background:#c0392b;color:#fff;border:0;border-radius:8px}
.note{color:#666;font-size:.9rem}.alert{background:#fff4e5;padding:.6rem .8rem;border-radius:6px}a{color:#1f5fa8}</style></head>
<body>${body}</body></html>`;
}

export interface PlacardSay {
  t: Translate;
  lng: 'zh-CN' | 'en';
}
const p = (s: PlacardSay, key: string, params: Record<string, unknown> = {}) => esc(s.t(`api:placard.${key}`, { lng: s.lng, ...params }));

/** The report form of one house: its code and street number only, nothing personal. */
export function placardForm(
  s: PlacardSay,
  o: { code: string; place: string; action: string; staffLink: string; maxText: number; maxPhotos: number; photoSize: string },
): string {
  return frame(
    s.lng,
    s.t('api:placard.page_title', { lng: s.lng }),
    `<h1>${p(s, 'page_title')}</h1>
<p data-test="placard-house">${p(s, 'intro', { place: o.place, code: o.code })}</p>
<p class="alert">${p(s, 'emergency')}</p>
<form method="post" action="${esc(o.action)}" enctype="multipart/form-data">
<label for="text">${p(s, 'text_label', { max: o.maxText })}</label>
<textarea id="text" name="text" maxlength="${o.maxText}" required placeholder="${p(s, 'text_placeholder')}"></textarea>
<label for="photos">${p(s, 'photos_label', { max: o.maxPhotos, size: o.photoSize })}</label>
<input id="photos" name="photos" type="file" accept="image/*" multiple>
<button type="submit" data-test="placard-submit">${p(s, 'submit')}</button>
</form>
<p class="note"><a href="${esc(o.staffLink)}" data-test="placard-staff">${p(s, 'staff_link')}</a></p>`,
  );
}

/** After a report: its number (the reporter's only receipt; they are not asked who they are). */
export function placardThanks(s: PlacardSay, o: { number: number; back: string }): string {
  return frame(
    s.lng,
    s.t('api:placard.thanks_title', { lng: s.lng }),
    `<h1>${p(s, 'thanks_title')}</h1><p data-test="placard-thanks">${p(s, 'thanks', { number: o.number })}</p>
<p class="alert">${p(s, 'emergency')}</p><p><a href="${esc(o.back)}">${p(s, 'again')}</a></p>`,
  );
}

/** A token that opens nothing (made up, or rotated away): the same page whichever. */
export function placardNotFound(s: PlacardSay): string {
  return frame(s.lng, s.t('api:placard.not_found_title', { lng: s.lng }), `<h1>${p(s, 'not_found_title')}</h1><p>${p(s, 'not_found')}</p>`);
}

/** A report refused (a limit, a photo that is not one, too large): why, and the way back. */
export function placardError(s: PlacardSay, o: { message: string; back: string }): string {
  return frame(
    s.lng,
    s.t('api:placard.error_title', { lng: s.lng }),
    `<h1>${p(s, 'error_title')}</h1><p data-test="placard-error">${esc(o.message)}</p><p><a href="${esc(o.back)}">${p(s, 'back')}</a></p>`,
  );
}
