import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, installed by .ci/run (`apt-get install chromium`); no browser download is possible. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Launches headless Chromium, or returns a skip reason when it is missing outside CI.
 * Under CI=true a missing browser is a failure, never a skip.
 */
export async function launchChromium(): Promise<{ browser: Browser } | { skip: string }> {
  if (!existsSync(CHROMIUM_PATH)) {
    const reason = `Chromium not found at ${CHROMIUM_PATH}: browser end-to-end tests SKIPPED (apt-get install -y chromium)`;
    if (process.env.CI === 'true') throw new Error(reason.replace('SKIPPED', 'cannot run under CI=true'));
    console.warn(`\n!!! ${reason}\n`);
    return { skip: reason };
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
  return { browser };
}
