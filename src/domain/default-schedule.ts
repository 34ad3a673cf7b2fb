/** What a scheduled run can do (the list is the type: validation and storage read the same names). */
export const SCHEDULE_ACTIONS = [
  'open_round',
  'close_rounds',
  'monthly_tip',
  'deadline_reminder',
  'daily_ranking',
  'seasonal_notice',
  'hazard_notices',
  'hazard_weekly',
  'close_month',
] as const;
/** What a scheduled run does. */
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number];

export interface ScheduleDefinition {
  name: string;
  /** 5-field cron, in the campaign's time zone */
  cron: string;
  action: ScheduleAction;
  scope: string;
  /** action settings: the round's deadline day, the days before a deadline to remind… */
  params: Record<string, number | number[] | string>;
}

/**
 * SPEC §4's default schedule (Asia/Shanghai unless TZ says otherwise). Each is stored
 * as a schedule row the first time the app starts, and can then be changed or disabled.
 */
export const DEFAULT_SCHEDULE: readonly ScheduleDefinition[] = [
  { name: 'monthly-round', cron: '0 9 1 * *', action: 'open_round', scope: 'street', params: { deadlineDay: 20 } },
  // just after midnight, rounds whose deadline has passed are closed
  { name: 'close-rounds', cron: '5 0 * * *', action: 'close_rounds', scope: 'street', params: {} },
  // the day after the deadline (the 20th): the month's report rows are frozen
  { name: 'month-close', cron: '30 0 21 * *', action: 'close_month', scope: 'street', params: {} },
  { name: 'monthly-tip', cron: '0 10 1 * *', action: 'monthly_tip', scope: 'street', params: {} },
  { name: 'deadline-reminders', cron: '0 10 * * *', action: 'deadline_reminder', scope: 'street', params: { daysBefore: [3, 1] } },
  { name: 'daily-ranking', cron: '0 20 * * *', action: 'daily_ranking', scope: 'street', params: {} },
  { name: 'seasonal-notices', cron: '0 10 * * *', action: 'seasonal_notice', scope: 'street', params: {} },
  // the day before a hazard's deadline its landlord is reminded; after it, the head and the staff of its scope are told
  { name: 'hazard-notices', cron: '0 9 * * *', action: 'hazard_notices', scope: 'street', params: {} },
  // Monday mornings, each staff member gets the overdue hazards of their scope by private chat
  { name: 'hazard-weekly', cron: '30 9 * * 1', action: 'hazard_weekly', scope: 'street', params: {} },
];
