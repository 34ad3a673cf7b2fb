import path from 'node:path';
import { z } from 'zod';

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
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

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
    const got = raw[name] === undefined ? '' : ` (got "${String(raw[name]).slice(0, 40)}")`;
    throw new ConfigError(`配置错误 Invalid configuration: ${name}: ${issue?.message ?? 'invalid'}${got}`);
  }
  const c = r.data;
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
  };
}
