import type { Translate } from '../i18n';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page at `/` until the dashboard lands: what this is, where the API is, in the chosen language. */
export function landingPage(t: Translate, lng: 'zh-CN' | 'en', demo: boolean): string {
  const tr = (k: string) => esc(t(`dashboard:${k}`, { lng }));
  const other = lng === 'en' ? 'zh-CN' : 'en';
  return `<!doctype html>
<html lang="${lng}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${tr('title')}</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#222}
h1{color:#c0392b;font-size:1.5rem}a{color:#1f5fa8}.demo{background:#fff4e5;padding:.5rem .75rem;border-radius:6px}</style></head>
<body><h1>${tr('title')}</h1><p>${tr('subtitle')}</p>
${demo ? `<p class="demo">${tr('demo')}</p>` : ''}
<ul><li><a href="/api/docs">${tr('docs')}</a></li><li><a href="/api/v1/openapi.json">${tr('api')}</a></li><li><a href="/healthz">${tr('health')}</a></li></ul>
<p>${tr('token_hint')}</p>
<p><a href="/?lng=${other}">${tr('switch')}</a></p></body></html>`;
}
