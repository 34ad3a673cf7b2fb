import pino, { type Logger } from 'pino';
import { redactPersonal } from './domain/privacy';

export type { Logger };

/**
 * The one logger. Phone numbers and tokens are removed by field name, and any phone or
 * ID number inside a message string is masked, so personal data never reaches a log.
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['phone', '*.phone', '*.*.phone', 'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization'], censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactPersonal(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
