import type { ChecklistItem } from './types';

/** Default checklist of the monthly self-inspection (SPEC §2). */
export const BASE_ITEMS: readonly ChecklistItem[] = ['smoke', 'extinguisher', 'ebike', 'exit', 'wiring'];
/** Key houses (≥ 10 tenants) also show the emergency kit and the house placard. */
export const KEY_ITEMS: readonly ChecklistItem[] = [...BASE_ITEMS, 'kit', 'placard'];

export const KEY_HOUSE_TENANTS = 10;

export const isKeyHouse = (tenants: number): boolean => tenants >= KEY_HOUSE_TENANTS;

export const requiredItems = (isKey: boolean): readonly ChecklistItem[] => (isKey ? KEY_ITEMS : BASE_ITEMS);
