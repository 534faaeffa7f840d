import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it) or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Fails the run, loudly, when Chromium is missing: a browser test that skips itself would
 * let `pnpm test` pass without ever testing the page.
 */
export function requireChromium(): void {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(
      `\n\n  BROWSER TESTS CANNOT RUN: no Chromium at ${CHROMIUM}.\n` +
        "  Install Debian's build with `apt-get update && apt-get install -y chromium`\n" +
        "  (.ci/run does), or point CHROMIUM_PATH at a Chromium binary.\n\n",
    );
  }
}

/** Chromium with a fresh profile folder, removed again by `close`. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  requireChromium();
  const profile = mkdtempSync(path.join(tmpdir(), "trove-chromium-"));
  // playwright-core owns --user-data-dir: a persistent context on a new folder is a fresh profile.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
