import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createTroveClient, type TroveClient } from "@trove/client";
import type { LocalStack } from "@trove/local-stack";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium } from "./browser";
import { makeFixtures, type Fixtures } from "./fixtures";
import { startForeignOrigin } from "./foreign-origin";
import { startStack } from "./stack";

const SHOTS = path.resolve(import.meta.dirname, "..", "screenshots");
/** Screenshots older than this run are a previous run's, and prove nothing about this one. */
const RUN_STARTED = Date.now();
const FOREIGN_PORT = 8799;
const USER = "ada";
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let stack: LocalStack;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let page: Page;
let files: Fixtures;
let fixturesDir: string;
let api: TroveClient;
let s3: S3Client;
const cspViolations: string[] = [];

beforeAll(async () => {
  // Before anything else: without Chromium the run must fail, not skip.
  requireChromium();
  // Emptied first, so "kept its screenshots" can only pass on files this run wrote.
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  fixturesDir = mkdtempSync(path.join(tmpdir(), "trove-browser-files-"));

  [stack, chromium] = await Promise.all([startStack(), launchChromium()]);
  context = chromium.context;
  files = await makeFixtures(context, fixturesDir);
  api = createTroveClient({ baseUrl: stack.url, token: stack.token(USER) });
  s3 = new S3Client({
    endpoint: stack.storage,
    region: "auto",
    forcePathStyle: true,
    credentials: {
      accessKeyId: stack.secrets.R2_ACCESS_KEY_ID!,
      secretAccessKey: stack.secrets.R2_SECRET_ACCESS_KEY!,
    },
  });

  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  s3?.destroy();
  await chromium?.close();
  await stack?.stop();
  if (fixturesDir) rmSync(fixturesDir, { recursive: true, force: true });
});

const shot = (name: string, fullPage = true) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
const uploadRow = (name: string) => page.locator(`#upload-list li[data-filename="${name}"]`);
const fileCard = (name: string) => page.locator(`#file-list li[data-filename="${name}"]`);

async function objectExists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: "trove-uploads", Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "NotFound") return false;
    throw error;
  }
}

/** Records every status each upload row shows, so fleeting states can be asserted later. */
async function recordUploadStates(): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { uploadStates: typeof seen }).uploadStates = seen;
    const note = (state: Element) => {
      const name = state.closest("li")?.getAttribute("data-filename") ?? "?";
      const status = state.getAttribute("data-status") ?? "?";
      const list = (seen[name] ??= []);
      if (list.at(-1) !== status) list.push(status);
    };
    new MutationObserver((records) => {
      for (const record of records) {
        const target = record.target instanceof Element ? record.target : record.target.parentElement;
        target?.closest("li")?.querySelectorAll(".state").forEach(note);
      }
    }).observe(document.getElementById("upload-list")!, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-status"],
      characterData: true,
    });
  });
}

describe("the Trove page in Chromium", () => {
  it("is served with a Content-Security-Policy that lets in only storage, besides itself", async () => {
    const response = await fetch(`${stack.url}/`);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain(`img-src 'self' ${stack.storage}`);
    expect(csp).toContain(`connect-src 'self' ${stack.storage}`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
  });

  it("signs in with a development identity, by keyboard", async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(stack.url);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("user-id");
    await shot("01-signed-out");

    await page.keyboard.type(USER);
    await page.keyboard.press("Enter");
    await page.locator("#app").waitFor({ state: "visible" });
    expect(await page.locator("#session-user").textContent()).toBe(USER);

    // Focus is visible: the focused control draws an outline.
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe("none");
  });

  it("uploads a real PNG, JPEG and PDF to ready with previews, and rejects HTML named .png", async () => {
    await recordUploadStates();
    await page.setInputFiles("#file-input", [files.png, files.jpeg, files.pdf, files.fakePng]);

    for (const name of ["mountains.png", "sunset.jpg", "report.pdf"]) {
      await uploadRow(name).locator('.state[data-status="ready"]').waitFor({ timeout: 30_000 });
      expect(await uploadRow(name).locator("progress").evaluate((el) => (el as HTMLProgressElement).value)).toBe(1);
    }
    const rejected = uploadRow("not-really.png").locator('.state[data-status="rejected"]');
    await rejected.waitFor({ timeout: 30_000 });
    expect(await rejected.textContent()).toMatch(/^Rejected: \S.+/);

    const states = await page.evaluate(() => (window as unknown as { uploadStates: Record<string, string[]> }).uploadStates);
    // Processing takes milliseconds locally, so the first poll may already see the final state:
    // "pending" is shown when seen, and then always before it.
    const mountains = states["mountains.png"]!;
    expect(mountains[0]).toBe("uploading");
    expect(mountains.at(-1)).toBe("ready");
    if (mountains.includes("pending")) expect(mountains.indexOf("pending")).toBeLessThan(mountains.indexOf("ready"));
    expect(states["not-really.png"]?.at(-1)).toBe("rejected");
    expect(await page.locator("#announcer").getAttribute("aria-live")).toBe("polite");
    await shot("03-uploads-settled");

    // The list shows the three ready files; previews come from storage's origin, not the page's.
    for (const name of ["mountains.png", "sunset.jpg"]) {
      const preview = fileCard(name).locator('.preview[data-preview="image"] img');
      await preview.waitFor({ timeout: 15_000 });
      const image = await preview.evaluate((img) => ({
        width: (img as HTMLImageElement).naturalWidth,
        src: (img as HTMLImageElement).currentSrc,
        alt: (img as HTMLImageElement).alt,
      }));
      expect(image.width).toBe(480);
      expect(new URL(image.src).origin).toBe(stack.storage);
      expect(image.alt).toBe(`Preview of ${name}`);
    }
    await expect.poll(() => fileCard("report.pdf").locator('.preview[data-preview="badge"]').textContent()).toBe("PDF");
    expect(await fileCard("not-really.png").count()).toBe(0);
    await shot("04-files-desktop");

    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot("05-files-phone");
    await page.setViewportSize(DESKTOP);
  });

  it("downloads a file as an attachment straight from storage", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download mountains.png" }).click(),
    ]);
    expect(new URL(download.url()).origin).toBe(stack.storage);
    const saved = await download.path();
    expect(readFileSync(saved)).toEqual(readFileSync(files.png));
  });

  it("deletes a file", async () => {
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete sunset.jpg" }).click();
    await fileCard("sunset.jpg").waitFor({ state: "detached" });
    await expect.poll(() => page.locator("#announcer").textContent()).toBe("Deleted sunset.jpg.");

    const listed = await api.listFiles({ limit: 100 });
    expect(listed.items.map((item) => item.filename).sort()).toEqual(["mountains.png", "report.pdf"]);
    await shot("06-after-delete");
  });

  it("generates text, an image and JSON and shows each", async () => {
    await page.getByLabel("Text", { exact: true }).check();
    await page.getByLabel("Prompt").fill("Describe a mountain sunset in one sentence");
    await page.getByRole("button", { name: "Generate" }).click();
    const text = page.locator('#generate-result[data-state="done"][data-kind="text"] pre');
    await text.waitFor({ timeout: 30_000 });
    expect((await text.textContent())?.trim().length).toBeGreaterThan(0);
    await page.locator("#generate-result").scrollIntoViewIfNeeded();
    await shot("07-generated-text");

    await page.getByLabel("Image", { exact: true }).check();
    await page.getByLabel("Prompt").fill("A thumbnail of a mountain at sunset");
    await page.getByRole("button", { name: "Generate" }).click();
    const image = page.locator('#generate-result[data-state="done"][data-kind="image"] img');
    await image.waitFor({ timeout: 30_000 });
    await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(new URL((await image.getAttribute("src"))!).origin).toBe(stack.storage);
    await page.locator("#generate-result").scrollIntoViewIfNeeded();
    await shot("08-generated-image");

    await page.setViewportSize(PHONE);
    await shot("09-generated-phone");
    await page.setViewportSize(DESKTOP);

    await page.getByLabel("JSON", { exact: true }).check();
    await page.getByLabel("Prompt").fill("The three tallest mountains as JSON");
    await page.getByRole("button", { name: "Generate" }).click();
    const json = page.locator('#generate-result[data-state="done"][data-kind="json"] pre');
    await json.waitFor({ timeout: 30_000 });
    expect(JSON.parse((await json.textContent())!)).toMatchObject({ echo: true, prompt: "The three tallest mountains as JSON" });
    await expect.poll(() => page.locator("#generate-result").textContent()).toContain("application/json");
    await page.locator("#generate-result").scrollIntoViewIfNeeded();
    await shot("09b-generated-json");
  });

  it("raised no Content-Security-Policy violations", () => {
    expect(cspViolations).toEqual([]);
  });
});

describe("an origin outside the bucket's CORS policy", () => {
  it("cannot upload: the preflight is refused and nothing lands in the bucket", async () => {
    const foreign = await startForeignOrigin(FOREIGN_PORT);
    const elsewhere = await context.newPage();
    try {
      const bytes = readFileSync(files.png);
      const created = await api.createUpload({ filename: "elsewhere.png", contentType: "image/png", size: bytes.byteLength });
      const attempt = { url: created.upload.url, headers: created.upload.headers, base64: bytes.toString("base64") };

      // Storage refuses the preflight for that origin: 403 and no Access-Control-Allow-Origin.
      const preflight = await fetch(created.upload.url, {
        method: "OPTIONS",
        headers: {
          origin: new URL(foreign.url).origin,
          "access-control-request-method": "PUT",
          "access-control-request-headers": "content-type",
        },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();

      // The same upload, tried by a page on that origin, fails as browsers fail CORS: a TypeError.
      await elsewhere.goto(foreign.url);
      const tryUpload = (target: Page) =>
        target.evaluate(async ({ url, headers, base64 }) => {
          const body = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
          try {
            // Every signed header but content-length, which the browser sets from the body.
            const sent = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== "content-length"));
            const response = await fetch(url, { method: "PUT", headers: sent, body });
            return { status: response.status };
          } catch (error) {
            return { error: String(error) };
          }
        }, attempt);
      expect(await tryUpload(elsewhere)).toEqual({ error: "TypeError: Failed to fetch" });
      await elsewhere.screenshot({ path: path.join(SHOTS, "10-foreign-origin.png") });

      expect(await objectExists(created.key)).toBe(false);
      expect((await api.getUpload(created.id)).status).toBe("pending");

      // The control: the same request from the page's own origin goes through.
      expect(await tryUpload(page)).toEqual({ status: 200 });
      expect(await objectExists(created.key)).toBe(true);
      expect((await api.waitForUpload(created.id, { timeoutMs: 20_000 })).status).toBe("ready");
    } finally {
      await elsewhere.close();
      await foreign.close();
    }
  });
});

describe("progress and cancel in the page", () => {
  it("shows each file's progress as its bytes are sent, and can cancel one", async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    // Last of the page's tests: throttled connections may outlive the cancelled request.
    // Slow uploads down (about 150 KB/s) so the progress bar can be seen part way.
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 150 * 1024,
    });

    await page.setInputFiles("#file-input", files.noise);
    const bar = uploadRow("noise.png").locator("progress");
    await expect.poll(() => bar.evaluate((el) => (el as HTMLProgressElement).value), { timeout: 20_000 }).toBeGreaterThan(0.1);
    expect(await bar.evaluate((el) => (el as HTMLProgressElement).value)).toBeLessThan(1);
    expect(await bar.getAttribute("aria-valuetext")).toMatch(/^\d+%, .* of .*/);
    await shot("02-uploading");

    try {
      await uploadRow("noise.png").getByRole("button", { name: "Cancel noise.png" }).click();
      await uploadRow("noise.png").locator('.state[data-status="cancelled"]').waitFor();
    } finally {
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
    }
    await shot("02b-cancelled", false);

    // Chromium's emulated throttling slows the progress events, not the socket, so the whole
    // body may already have reached storage when the XHR is aborted. Either way the client
    // cancels the upload on the server (or deletes the file if it had become ready), so the
    // user's files never show it. (@trove/client's tests check the bucket and the quota.)
    const listed = await api.listFiles({ limit: 100 });
    expect(listed.items.map((item) => item.filename)).not.toContain("noise.png");
  });

});

it("kept its screenshots, all written by this run", () => {
  const names = [
    "01-signed-out",
    "02-uploading",
    "02b-cancelled",
    "03-uploads-settled",
    "04-files-desktop",
    "05-files-phone",
    "06-after-delete",
    "07-generated-text",
    "08-generated-image",
    "09-generated-phone",
    "09b-generated-json",
    "10-foreign-origin",
  ];
  for (const name of names) {
    const stat = statSync(path.join(SHOTS, `${name}.png`));
    expect(stat.size, name).toBeGreaterThan(1000);
    expect(stat.mtimeMs, name).toBeGreaterThanOrEqual(RUN_STARTED);
  }
});
