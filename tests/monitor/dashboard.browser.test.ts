import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard } from '../../src/monitor/dashboard-server.js';
import { repoRoot } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';
import { makeHistory, startTestDashboard, type MonitorHistory } from './dashboard-fixture.js';

/** Debian's chromium package; CI installs it (`apt-get install -y chromium`). */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `monitor browser test SKIPPED: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`,
  );

describe.skipIf(!hasChromium)('monitor: dashboard in headless Chromium after real runs', () => {
  let db: TestDatabase;
  let history: MonitorHistory;
  let dashboard: Dashboard;

  beforeAll(async () => {
    db = await createTestDatabase('embedded', 'monitor-browser');
    history = await makeHistory(db);
    dashboard = await startTestDashboard(db);
  });
  afterAll(async () => {
    await dashboard?.close();
    await db?.drop();
  });

  it(
    'opens the grid, clicks into the failed run and shows the failing task with its error',
    { timeout: 240_000 },
    async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-quic',
          '--no-first-run',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const scripts: string[] = [];
        page.on('dialog', (dialog) => {
          scripts.push(dialog.message());
          void dialog.dismiss();
        });
        const grid = await page.goto(dashboard.url, { timeout: 60_000 });
        expect(grid?.status()).toBe(200);
        await expect(page.title()).resolves.toBe('Runs grid · dwh');
        const failedCell = page.locator('tr[data-project="mon_fail"] a.cell[data-status="failed"]');
        await expect(failedCell.count()).resolves.toBe(1);

        await failedCell.click();
        await page.waitForURL(`**/runs/${history.failed}`, { timeout: 60_000 });
        await page.locator('h1').waitFor();
        expect(await page.locator('h1').innerText()).toContain(`Run ${history.failed} of mon_fail`);

        const failingRow = page.locator('tr[data-task="load_orders"][data-status="failed"]');
        await expect(failingRow.count()).resolves.toBe(1);
        // the error text is shown as text: markup in it is neither rendered nor executed
        expect(await failingRow.locator('td.error').innerText()).toBe(
          'source answered <script>alert("xss")</script> & <b>500</b>',
        );
        expect(await page.locator('p.run-error').innerText()).toContain(
          `task 'load_orders': source answered`,
        );
        expect(await page.locator('tr[data-task="publish"]').innerText()).toContain('upstream failed');
        expect(await page.locator('pre.log').innerText()).toContain('failed after 2 attempt(s)');
        expect(await page.locator('b').count()).toBe(0);
        expect(scripts).toEqual([]);

        const dir = path.join(repoRoot, 'test-artifacts');
        mkdirSync(dir, { recursive: true });
        const file = path.join(dir, 'monitor-failed-run.png');
        await page.screenshot({ path: file, fullPage: true });
        expect(existsSync(file)).toBe(true);

        await page.goto(dashboard.url);
        await page.screenshot({ path: path.join(dir, 'monitor-grid.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    },
  );
});
