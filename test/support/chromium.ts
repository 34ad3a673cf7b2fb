/**
 * Debian's chromium for the browser tests, one for a whole jest run: jest's global setup launches
 * it as a server (`startChromiumServer`) and hands its address to the workers through the
 * environment; each test file connects to it (`openChromium`) and makes its own browser contexts —
 * cookies, storage and cache are a context's own, so files stay apart as with a browser each — and
 * closing the file's connection closes its contexts. (A launch took a file 2–7 s on a busy 2-core
 * machine, and twenty files paid it.) Outside jest (the dashboard bench) `openChromium` launches one.
 */
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';
import { projectRoot } from '../../src/project-root';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
/** headless, no sandbox (containers), nothing phoning home */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];
export const artifacts = path.join(projectRoot(), 'test', 'artifacts');

/** the variable the workers find the run's Chromium by (its WebSocket address) */
const WS_ENV = 'ANXIN_CHROMIUM_WS';

/** The run's Chromium, or one of its own outside jest (a fresh profile each). Close it when done: a connection closes its contexts. */
export function openChromium(): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true });
  const ws = process.env[WS_ENV];
  if (ws) return chromium.connect(ws);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Launches the run's Chromium (jest's global setup); none where Debian's chromium is missing (the browser tests skip there). */
export async function startChromiumServer(): Promise<void> {
  if (!haveChromium) return;
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: ARGS });
  (globalThis as { __CHROMIUM__?: BrowserServer }).__CHROMIUM__ = server;
  process.env[WS_ENV] = server.wsEndpoint();
}

/** Closes the run's Chromium (jest's global teardown). */
export async function stopChromiumServer(): Promise<void> {
  await (globalThis as { __CHROMIUM__?: BrowserServer }).__CHROMIUM__?.close();
}
