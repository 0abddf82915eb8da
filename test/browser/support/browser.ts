import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT } from './product.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts/browser');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Saves test-artifacts/browser/<test-name>-<step>.png (full page) and returns its path. */
  shot: (step: string) => Promise<string>;
  /** Uncaught page errors and console errors (CSP violations show up here), minus failed-request noise. */
  jsErrors: () => string[];
  close: () => Promise<void>;
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

/**
 * Debian Chromium through playwright-core, with a fresh profile in a temp dir (a persistent
 * context, because Playwright owns --user-data-dir). 1366×768 by default: the common school PC.
 */
export async function launchBrowser(
  testName: string,
  opts: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it: apt-get update && apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH).`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'tongke-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1366, height: 768 },
    locale: opts.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      errors.push(`console: ${m.text()}`);
  });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const name = slug(testName);

  return {
    context,
    page,
    async shot(step) {
      const path = join(ARTIFACTS_DIR, `${name}-${slug(step)}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    jsErrors: () => [...errors],
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` stops throwing (or returns true), then returns; rethrows the last failure at the deadline. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v !== false) return v;
      throw new Error('condition still false');
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until the locator's visible text contains every expected piece; fails with what it saw. */
export async function expectText(locator: Locator, ...expected: (string | RegExp)[]): Promise<string> {
  let seen = '';
  try {
    return await eventually(async () => {
      seen = (await locator.first().innerText({ timeout: 2_000 })).replace(/\s+/g, ' ');
      for (const e of expected) {
        const ok = typeof e === 'string' ? seen.includes(e) : e.test(seen);
        if (!ok) throw new Error(`missing ${String(e)}`);
      }
      return seen;
    });
  } catch {
    throw new Error(
      `Expected text ${expected.map(String).join(', ')} in ${locator.toString()}; saw: "${seen.slice(0, 600)}"`,
    );
  }
}
