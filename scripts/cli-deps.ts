import { loadConfig } from '../src/config';
import { systemClock } from '../src/domain/clock';
import { createLogger } from '../src/log';
import { createDeps } from '../src/services/create-deps';
import type { Deps } from '../src/services/deps';
import { createTranslator } from '../src/i18n';
import { createStore } from '../src/storage/create-store';

/** The store and services a command-line script works with, from the same configuration as `npm start`. */
export async function cliDeps(): Promise<Deps & { close(): Promise<void> }> {
  const config = loadConfig();
  // scripts print their own results to stdout; the log only carries warnings, to stderr
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr as never);
  const store = await createStore({ dataDir: config.dataDir, mongodbUri: config.mongodbUri });
  const deps = createDeps({ store, clock: systemClock, log, timeZone: config.timeZone, t: createTranslator(config.locale), locale: config.locale });
  return Object.assign(deps, { close: () => store.close() });
}
