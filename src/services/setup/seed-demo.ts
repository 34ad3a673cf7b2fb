import type { RosterRow } from '../../domain/roster';
import { isKeyHouse } from '../../domain/checklist';
import type { Deps } from '../deps';
import { importRoster, type ImportResult } from '../roster/import-roster';

const COMMUNITIES = [
  // codes of their own (PD…, SD…, DD…), so a real roster imported into the demo never collides with them
  { name: '平山村', prefix: 'PD' },
  { name: '西墅社区', prefix: 'SD' },
  { name: '东湖社区', prefix: 'DD' },
];
const ROADS = ['东港路', '竹林路', '大西门', '平山路', '樟潭路', '回龙巷', '马溪街', '新村路'];
const SURNAMES = ['陈', '杨', '张', '潘', '曹', '林', '袁', '许', '谢', '曾', '刘', '黄', '董', '胡'];
const GIVEN = ['娜英', '英敏', '静丽', '军伟', '霞磊', '伟桂', '超兰', '英', '兰敏', '萍华', '平', '磊建', '玉', '秀'];

/**
 * The demo street: 3 communities × 2 grids × 2 groups × 10 houses, made deterministically
 * (the same every time), so demo mode and its re-seeding are stable. Phones use the
 * 170 virtual-operator range, so no real person's number is ever in the demo.
 */
export function demoRoster(): RosterRow[] {
  let seed = 20261101;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const rows: RosterRow[] = [];
  let n = 0;
  for (const c of COMMUNITIES) {
    for (let g = 1; g <= 2; g += 1) {
      for (let k = 1; k <= 2; k += 1) {
        for (let h = 1; h <= 10; h += 1) {
          n += 1;
          const tenants = 2 + rnd(14);
          rows.push({
            row: n + 1,
            community: c.name,
            grid: `${c.name}第${g}网格`,
            group: `${c.name}第${g}网格联防${k}组`,
            houseCode: `${c.prefix}${String(n).padStart(4, '0')}`,
            address: `${c.name}${ROADS[rnd(ROADS.length)]}${1 + rnd(300)}号`,
            landlord: `${SURNAMES[rnd(SURNAMES.length)]}${GIVEN[rnd(GIVEN.length)]}`,
            phone: `1700000${String(n).padStart(4, '0')}`,
            tenants,
            rooms: Math.max(1, Math.ceil(tenants * 0.7)),
            head: h === 3,
            isKey: isKeyHouse(tenants),
          });
        }
      }
    }
  }
  return rows;
}

/**
 * Seeds the demo street through the same import a staff member uses — only into an empty
 * database, so a restart never undoes what someone changed in the demo. Returns null
 * when there was already data.
 */
export async function seedDemo(deps: Deps): Promise<ImportResult | null> {
  if ((await deps.store.houses.count({})) > 0) return null;
  return importRoster(deps, { rows: demoRoster(), errors: [] }, { actor: 'demo-seed' });
}
