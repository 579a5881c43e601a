// Opens capsim's HTML reports in Debian's headless Chromium (driven by playwright-core, which downloads
// no browser of its own) and reports what a reader's browser would: console errors, every request the
// page made, the data marks each chart's SVG drew, whether the page fits a phone and a printed page, and
// how varied its screenshot is.
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../stack/chromium.js';

export interface PageCheck {
  consoleErrors: string[];
  /** Every URL the page requested, the page's own file first. */
  requests: string[];
  /** Per chart SVG (data-chart id): data marks with a visible size. */
  marks: Record<string, number>;
  /** document scroll width at a 390 px phone viewport, and at an A4-wide print viewport. */
  phoneScrollWidth: number;
  printScrollWidth: number;
  pdfBytes: number;
  screenshot: Buffer;
  /** Distinct colours (4 bits per channel) and the share of non-white pixels in the screenshot. */
  colours: number;
  inked: number;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Colour variety of a PNG, measured in a blank page's canvas (the report's own CSP allows no images). */
async function pixelVariety(browser: Browser, png: Buffer): Promise<{ colours: number; inked: number }> {
  const page = await browser.newPage();
  try {
    await page.setContent('<canvas id="c"></canvas>');
    return await page.evaluate(async (b64: string) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.getElementById('c') as HTMLCanvasElement;
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const seen = new Set<number>();
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) {
        seen.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
        if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) inked++;
      }
      return { colours: seen.size, inked: inked / (data.length / 4) };
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

export async function checkPage(browser: Browser, file: string): Promise<PageCheck> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  // Anything but the page itself is refused (and so shows up in `requests`).
  await context.route((url) => url.protocol !== 'file:', (route) => route.abort());
  try {
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    const marks = await page.evaluate(() => {
      const out: Record<string, number> = {};
      for (const svg of Array.from(document.querySelectorAll('svg.chart-svg'))) {
        let visible = 0;
        for (const el of Array.from(svg.querySelectorAll('g.role-mark > *'))) {
          const box = (el as SVGGraphicsElement).getBBox();
          if (box.width > 0 || box.height > 0) visible++;
        }
        out[svg.getAttribute('data-chart') ?? '?'] = visible;
      }
      return out;
    });
    const screenshot = await page.screenshot({ fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    const phoneScrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    const printScrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const pdfBytes = (await page.pdf({ format: 'A4' })).length;
    const variety = await pixelVariety(browser, screenshot);
    return { consoleErrors, requests, marks, phoneScrollWidth, printScrollWidth, pdfBytes, screenshot, ...variety };
  } finally {
    await context.close();
  }
}
