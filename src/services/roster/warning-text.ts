import type { Translate } from '../../i18n';
import type { RosterWarning } from '../../storage/roster-stage';

/** A warning as a person reads it: Chinese first, English second, like the row errors. */
export const warningText = (t: Translate, w: RosterWarning): { row: number; message: string } => ({
  row: w.row,
  message: `${t(`api:warnings.${w.key}`, { lng: 'zh-CN', ...w.params })} / ${t(`api:warnings.${w.key}`, { lng: 'en', ...w.params })}`,
});
