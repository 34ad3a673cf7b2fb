import { stopChromiumServer } from './chromium';
import mongoGlobalTeardown from './mongo-global-teardown';

export default async function globalTeardown(): Promise<void> {
  await Promise.all([mongoGlobalTeardown(), stopChromiumServer()]);
}
