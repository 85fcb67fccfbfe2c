// Test helper: Debian's headless Chromium (never a downloaded browser), one per process, and a fresh context (its own
// cookies and storage, nothing on disk) for each caller.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** A reason to skip the browser tests, or false when Chromium is there. */
export const noBrowser = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)`;

export interface OpenBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/**
 * How long Chromium outlives its last context: the browser files share a process, and the next one opens its context
 * as its first step (starting Chromium costs about a second of CPU; a context, a tenth of that).
 */
const LINGER_MS = 1000;
let browser: Promise<Browser> | null = null;
let contexts = 0;
let linger: NodeJS.Timeout | undefined;

/** One context fewer; with none left, Chromium closes unless another opens within LINGER_MS. */
function release(): void {
  if (--contexts > 0) return;
  const last = browser;
  linger = setTimeout(() => {
    if (browser === last) browser = null;
    void last?.then((b) => b.close(), () => undefined);
  }, LINGER_MS);
}

export async function openBrowser(viewport: { width: number; height: number }): Promise<OpenBrowser> {
  contexts++;
  clearTimeout(linger);
  browser ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let context: BrowserContext;
  let page: Page;
  try {
    context = await (await browser).newContext({ viewport });
    page = await context.newPage();
  } catch (err) {
    release();
    throw err;
  }
  return {
    context,
    page,
    close: async () => {
      await context.close();
      release();
    },
  };
}
