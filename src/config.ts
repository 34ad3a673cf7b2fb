import path from 'node:path';
import { z } from 'zod';
import type { SmsSettings } from './services/reach/channels';

const int = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const schema = z.object({
  PORT: int('PORT', 0, 65535).default(3000), // 0: any free port
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  // where the placards' QR links point (一户一码, issue 27): the address phones reach; default: the address each request came to
  PUBLIC_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'PUBLIC_URL must be an http(s) address such as https://anxin.example.gov.cn')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  MONGODB_URI: z
    .string()
    .trim()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'MONGODB_URI must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_ALLOW_STANDALONE: z.enum(['0', '1'], { message: 'MONGODB_ALLOW_STANDALONE must be 0 or 1' }).default('0'),
  ADMIN_TOKEN: z
    .string()
    .trim()
    .min(16, 'ADMIN_TOKEN must be at least 16 characters')
    .max(256)
    .regex(/^[\x21-\x7e]+$/, 'ADMIN_TOKEN must be printable ASCII without spaces')
    .optional(),
  WECHATY_PUPPET: z.string().trim().min(1).optional(),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().trim().min(1).optional(),
  TZ: z.string().trim().refine(validZone, 'TZ must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  LOCALE: z.enum(['zh-CN', 'en'], { message: 'LOCALE must be zh-CN or en' }).default('zh-CN'),
  SEND_INTERVAL_MS: int('SEND_INTERVAL_MS', 0, 600_000).optional(),
  INTENT_TTL_MINUTES: int('INTENT_TTL_MINUTES', 1, 1440).default(10),
  REMIND_COOLDOWN_MINUTES: int('REMIND_COOLDOWN_MINUTES', 0, 1440).default(30),
  RETENTION_DAYS: int('RETENTION_DAYS', 1, 3650).default(30),
  DEMO_SEED: z.enum(['0', '1'], { message: 'DEMO_SEED must be 0 or 1' }).default('1'),
  ROSTER_MAX_ROWS: int('ROSTER_MAX_ROWS', 1, 100_000_000).default(2_000_000),
  IMPORT_TIME_LIMIT_SECONDS: int('IMPORT_TIME_LIMIT_SECONDS', 1, 86_400).default(600),
  // issue 28: pacing that keeps a personal account alive (README "Choosing a WeChat road")
  SEND_JITTER_MS: int('SEND_JITTER_MS', 0, 600_000).optional(),
  SEND_DAILY_CAP: int('SEND_DAILY_CAP', 1, 1_000_000).optional(),
  SEND_COOLDOWN_MINUTES: int('SEND_COOLDOWN_MINUTES', 0, 24 * 60).optional(),
  BACKLOG_ALARM: int('BACKLOG_ALARM', 1, 1_000_000).default(50),
  // issue 28: staff alarms through a group robot (企业微信 or 钉钉)
  STAFF_WEBHOOK_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/\S+$/, 'STAFF_WEBHOOK_URL must be an http(s) URL')
    .optional(),
  // issue 28: SMS for what cannot wait
  SMS_PROVIDER: z.enum(['aliyun', 'tencent'], { message: 'SMS_PROVIDER must be aliyun or tencent' }).optional(),
  SMS_ENDPOINT: z
    .string()
    .trim()
    .regex(/^https?:\/\/\S+$/, 'SMS_ENDPOINT must be an http(s) URL')
    .optional(),
  SMS_ACCESS_KEY_ID: z.string().trim().min(1).max(200).optional(),
  SMS_ACCESS_KEY_SECRET: z.string().trim().min(1).max(200).optional(),
  SMS_SDK_APP_ID: z.string().trim().min(1).max(100).optional(),
  SMS_REGION: z.string().trim().min(1).max(50).default('ap-guangzhou'),
  SMS_SIGN_NAME: z.string().trim().min(1).max(50).optional(),
  SMS_TEMPLATE_DEADLINE: z.string().trim().min(1).max(100).optional(),
  SMS_TEMPLATE_HAZARD_DUE: z.string().trim().min(1).max(100).optional(),
  SMS_TEMPLATE_HAZARD_OVERDUE: z.string().trim().min(1).max(100).optional(),
  SMS_TEMPLATE_RETURNED: z.string().trim().min(1).max(100).optional(),
  SMS_FALLBACK_AFTER_MINUTES: int('SMS_FALLBACK_AFTER_MINUTES', 0, 7 * 24 * 60).default(60),
  SMS_DAILY_LIMIT_PER_NUMBER: int('SMS_DAILY_LIMIT_PER_NUMBER', 1, 100).default(3),
  SMS_PRICE_FEN: int('SMS_PRICE_FEN', 0, 10_000).default(5),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

/** The SMS provider's settings (issue 28): the channel's own type; keys stay there and in the provider's signer, never in a log or an answer. */
export type SmsConfig = SmsSettings;

export interface Config {
  port: number;
  host: string;
  /** where placards' QR links point (PUBLIC_URL); absent: the address each request came to */
  publicUrl?: string;
  dataDir: string;
  mongodbUri?: string;
  /** run on a standalone MongoDB (no transactions) */
  mongodbAllowStandalone: boolean;
  adminToken?: string;
  puppet?: string;
  puppetToken?: string;
  /** demo mode: no puppet configured, so Wechaty's mock puppet and the simulator */
  demo: boolean;
  timeZone: string;
  locale: 'zh-CN' | 'en';
  sendIntervalMs: number;
  /** how long the bot waits for what it asked a person (which item, which house…) */
  intentTtlMinutes: number;
  /** `催办` in one group at most once in this many minutes (0: no cooldown) */
  remindCooldownMinutes: number;
  /** processed message ids, sent outbox entries and simulator transcripts older than this are pruned */
  retentionDays: number;
  demoSeed: boolean;
  logLevel: string;
  /** the most data rows one roster file may have */
  rosterMaxRows: number;
  /** a roster import's time budget: past it the import stops with `import_timeout` and frees the import lock */
  importTimeLimitSeconds: number;
  /** issue 28: pacing (gap = interval + random jitter), the daily cap, the "too frequent" cool-down, alarms, SMS */
  sendJitterMs: number;
  sendDailyCap: number;
  sendCooldownMinutes: number;
  backlogAlarm: number;
  staffWebhookUrl?: string;
  sms?: SmsConfig;
  smsFallbackAfterMinutes: number;
}

export class ConfigError extends Error {}

/**
 * Parses the environment once. Empty strings count as unset (a blank line in a .env
 * file should not break start-up). Throws ConfigError naming the first bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k]?.trim() ? env[k] : undefined]));
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    // a key or a webhook URL is never echoed (issue 28)
    const secret = /^SMS_ACCESS|^STAFF_WEBHOOK|^SMS_ENDPOINT/.test(name);
    const got = raw[name] === undefined || secret ? '' : ` (got "${String(raw[name]).slice(0, 40)}")`;
    throw new ConfigError(`配置错误 Invalid configuration: ${name}: ${issue?.message ?? 'invalid'}${got}`);
  }
  const c = r.data;
  if (c.SMS_PROVIDER) {
    const needs = [
      'SMS_ACCESS_KEY_ID',
      'SMS_ACCESS_KEY_SECRET',
      'SMS_SIGN_NAME',
      ...(c.SMS_PROVIDER === 'tencent' ? ['SMS_SDK_APP_ID'] : []),
    ];
    const lacking = needs.find((k) => !c[k as keyof typeof c]);
    if (lacking) throw new ConfigError(`配置错误 Invalid configuration: ${lacking}: needed when SMS_PROVIDER is ${c.SMS_PROVIDER}`);
  }
  const demo = !c.WECHATY_PUPPET || c.WECHATY_PUPPET === 'wechaty-puppet-mock';
  return {
    port: c.PORT,
    host: c.HOST,
    publicUrl: c.PUBLIC_URL,
    dataDir: path.resolve(c.DATA_DIR),
    mongodbUri: c.MONGODB_URI,
    mongodbAllowStandalone: c.MONGODB_ALLOW_STANDALONE === '1',
    adminToken: c.ADMIN_TOKEN,
    puppet: c.WECHATY_PUPPET,
    puppetToken: c.WECHATY_PUPPET_SERVICE_TOKEN,
    demo,
    timeZone: c.TZ,
    locale: c.LOCALE,
    sendIntervalMs: c.SEND_INTERVAL_MS ?? (demo ? 200 : 3000),
    intentTtlMinutes: c.INTENT_TTL_MINUTES,
    remindCooldownMinutes: c.REMIND_COOLDOWN_MINUTES,
    retentionDays: c.RETENTION_DAYS,
    demoSeed: c.DEMO_SEED === '1',
    logLevel: c.LOG_LEVEL,
    rosterMaxRows: c.ROSTER_MAX_ROWS,
    importTimeLimitSeconds: c.IMPORT_TIME_LIMIT_SECONDS,
    // a real account: 3–10 s apart at random (interval 3 s + up to 7 s), at most 1000 a day, and half an hour
    // of silence after "too frequent"; the demo's mock account has nothing to protect
    sendJitterMs: c.SEND_JITTER_MS ?? (demo ? 0 : 7000),
    sendDailyCap: c.SEND_DAILY_CAP ?? (demo ? 1_000_000 : 1000),
    sendCooldownMinutes: c.SEND_COOLDOWN_MINUTES ?? (demo ? 1 : 30),
    backlogAlarm: c.BACKLOG_ALARM,
    staffWebhookUrl: c.STAFF_WEBHOOK_URL,
    sms: c.SMS_PROVIDER
      ? {
          provider: c.SMS_PROVIDER,
          endpoint: c.SMS_ENDPOINT ?? (c.SMS_PROVIDER === 'aliyun' ? 'https://dysmsapi.aliyuncs.com/' : 'https://sms.tencentcloudapi.com/'),
          accessKeyId: c.SMS_ACCESS_KEY_ID!,
          accessKeySecret: c.SMS_ACCESS_KEY_SECRET!,
          sdkAppId: c.SMS_SDK_APP_ID,
          region: c.SMS_REGION,
          signName: c.SMS_SIGN_NAME!,
          templates: {
            ...(c.SMS_TEMPLATE_DEADLINE ? { deadline: c.SMS_TEMPLATE_DEADLINE } : {}),
            ...(c.SMS_TEMPLATE_HAZARD_DUE ? { hazard_due: c.SMS_TEMPLATE_HAZARD_DUE } : {}),
            ...(c.SMS_TEMPLATE_HAZARD_OVERDUE ? { hazard_overdue: c.SMS_TEMPLATE_HAZARD_OVERDUE } : {}),
            ...(c.SMS_TEMPLATE_RETURNED ? { returned: c.SMS_TEMPLATE_RETURNED } : {}),
          },
          dailyLimitPerNumber: c.SMS_DAILY_LIMIT_PER_NUMBER,
          priceFen: c.SMS_PRICE_FEN,
        }
      : undefined,
    smsFallbackAfterMinutes: c.SMS_FALLBACK_AFTER_MINUTES,
  };
}
