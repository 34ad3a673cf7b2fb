import { ref, type Ref } from 'vue';

/** Below this width (a phone) tables become cards: nothing scrolls sideways. */
export const NARROW = '(max-width: 600px)';

let shared: Ref<boolean> | undefined;

/** True while the window is phone-narrow; one media query listener shared by every page. */
export function useNarrow(): Ref<boolean> {
  if (!shared) {
    const query = window.matchMedia(NARROW);
    const narrow = ref(query.matches);
    query.addEventListener('change', (e) => (narrow.value = e.matches));
    shared = narrow;
  }
  return shared;
}
