import pino, { type Logger } from 'pino';
import { redactPersonal } from './domain/privacy';

export type { Logger };

/** how deep a logged object is searched for strings (log objects are small; a cycle stops here too) */
const MAX_DEPTH = 6;

/** Every string inside a logged object (a message text, a reason) with phone and ID numbers replaced. */
function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactPersonal(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  // errors go through the err serializer below; other class instances (Dates, Buffers) are left as they are
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, depth + 1)]));
}

/**
 * The one logger. Phone numbers and tokens are removed by field name, and any phone or
 * ID number inside a message string, inside any string field of a logged object, or in an
 * error's message and stack is replaced (`[PHONE]`, `[ID]`) by the one masking function,
 * so personal data never reaches a log however it was written.
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['phone', '*.phone', '*.*.phone', 'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization'],
        censor: '[redacted]',
      },
      formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
      serializers: { err: (e: Error) => redactDeep({ ...pino.stdSerializers.err(e) }) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactPersonal(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
