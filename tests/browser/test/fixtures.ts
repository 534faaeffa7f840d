import { writeFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext } from "playwright-core";

export interface Fixtures {
  png: string;
  jpeg: string;
  pdf: string;
  /** An HTML page saved under a .png name. */
  fakePng: string;
  /** A PNG of noise, about 1.1 MB: big enough to watch its progress bar under throttling. */
  noise: string;
}

/**
 * Real files made by Chromium itself: a PNG and a JPEG drawn on a canvas and encoded by
 * canvas.toDataURL, and a PDF printed by page.pdf(). Written into `dir`.
 */
export async function makeFixtures(context: BrowserContext, dir: string): Promise<Fixtures> {
  const page = await context.newPage();
  try {
    await page.setContent(
      "<!doctype html><body style='font:24px sans-serif;margin:40px'>" +
        "<h1>Quarterly report</h1><p>Made by Chromium's page.pdf() for Trove's browser test.</p></body>",
    );
    const pdf = await page.pdf({ width: "210mm", height: "148mm" });

    const [png, jpeg] = await page.evaluate(() => {
      const canvas = document.createElement("canvas");
      canvas.width = 480;
      canvas.height = 360;
      const g = canvas.getContext("2d")!;
      const sky = g.createLinearGradient(0, 0, 0, 360);
      sky.addColorStop(0, "#6aa7ff");
      sky.addColorStop(1, "#f7d9a8");
      g.fillStyle = sky;
      g.fillRect(0, 0, 480, 360);
      g.fillStyle = "#ffcf3f";
      g.beginPath();
      g.arc(360, 90, 48, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = "#2f6b3a";
      g.beginPath();
      g.moveTo(0, 360);
      g.lineTo(150, 170);
      g.lineTo(300, 360);
      g.moveTo(180, 360);
      g.lineTo(330, 210);
      g.lineTo(480, 360);
      g.fill();
      const strip = (type: string) => canvas.toDataURL(type, 0.9).split(",")[1]!;
      return [strip("image/png"), strip("image/jpeg")];
    });

    const noise = await page.evaluate(() => {
      const canvas = document.createElement("canvas");
      canvas.width = 640;
      canvas.height = 600;
      const g = canvas.getContext("2d")!;
      const image = g.createImageData(640, 600);
      // xorshift32 from a fixed seed: noise that does not compress, the same every run.
      let seed = 2463534242;
      for (let i = 0; i < image.data.length; i++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        image.data[i] = i % 4 === 3 ? 255 : seed & 0xff;
      }
      g.putImageData(image, 0, 0);
      return canvas.toDataURL("image/png").split(",")[1]!;
    });

    const files: Fixtures = {
      png: path.join(dir, "mountains.png"),
      jpeg: path.join(dir, "sunset.jpg"),
      pdf: path.join(dir, "report.pdf"),
      fakePng: path.join(dir, "not-really.png"),
      noise: path.join(dir, "noise.png"),
    };
    writeFileSync(files.noise, Buffer.from(noise, "base64"));
    writeFileSync(files.png, Buffer.from(png, "base64"));
    writeFileSync(files.jpeg, Buffer.from(jpeg, "base64"));
    writeFileSync(files.pdf, pdf);
    writeFileSync(
      files.fakePng,
      "<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n",
    );
    return files;
  } finally {
    await page.close();
  }
}
