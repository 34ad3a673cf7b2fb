import type { Store } from './store';
import { createSqliteStore } from './sqlite/sqlite-store';

export interface StoreConfig {
  dataDir: string;
  mongodbUri?: string;
  /** MONGODB_ALLOW_STANDALONE=1 */
  mongodbAllowStandalone?: boolean;
  /** RETENTION_DAYS: the age at which MongoDB's TTL indexes drop processed ids and sent outbox entries */
  retentionDays?: number;
  warn?: (message: string) => void;
}

/** SQLite in DATA_DIR by default; MongoDB (with GridFS photos) when MONGODB_URI is set. */
export async function createStore(config: StoreConfig): Promise<Store> {
  if (config.mongodbUri) {
    // loaded only when asked for, so the embedded path never pays for the driver
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy; an import() here must name the built .js file (node16 resolution)
    const { createMongoStore } = require('./mongo/mongo-store') as typeof import('./mongo/mongo-store');
    return createMongoStore({
      uri: config.mongodbUri,
      allowStandalone: config.mongodbAllowStandalone,
      retentionDays: config.retentionDays,
      warn: config.warn,
    });
  }
  return createSqliteStore({ dataDir: config.dataDir });
}
