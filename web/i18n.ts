import { ref } from 'vue';
import en from '../locales/en/dashboard.json';
import zh from '../locales/zh-CN/dashboard.json';

type Lng = 'zh-CN' | 'en';
const dicts: Record<Lng, Record<string, string>> = { 'zh-CN': zh, en };
export const lng = ref<Lng>((localStorage.getItem('lng') as Lng | null) ?? 'zh-CN');
export function setLng(l: Lng) { lng.value = l; localStorage.setItem('lng', l); document.documentElement.lang = l; }
/** A dashboard label in the chosen language, `{{name}}` filled in. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const s = dicts[lng.value][key] ?? dicts['zh-CN'][key] ?? key;
  return s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));
}
