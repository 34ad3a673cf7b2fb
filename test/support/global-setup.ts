/** jest's global setup: the MongoDB leg's server (./mongo-global-setup.ts) and the browser tests' one Chromium (./chromium.ts). */
import { startChromiumServer } from './chromium';
import mongoGlobalSetup from './mongo-global-setup';

export default async function globalSetup(): Promise<void> {
  await Promise.all([mongoGlobalSetup(), startChromiumServer()]);
}
