/**
 * "Import closings" in a real browser (Debian's Chromium through playwright-core) against the real
 * service on this run's database, as a first-time organisation meets it: the empty dashboard leads
 * to the Import view, a closings sheet exported the way a wholesaler's spreadsheet writes it (BOM,
 * CRLF, " $6,000 " amounts, both sides with their managers on one row, a memo row with 0
 * transactions, a FlatFee column of "YES" or nothing, empty trailing columns and a totals line
 * under the data) is dropped in, the suggested mapping is checked, saved by name and previewed,
 * and imported; then the same sheet as an .xlsx workbook (amounts as numbers, dates as Excel
 * serials, the totals line a formula, a notes sheet in front). The company GP the page shows is
 * checked against an independent sum of the rows, worked below from the sheet's text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as XLSX from '@e965/xlsx';
import type { Page } from 'playwright-core';
import { tokenFor, uniqueOrg } from '../helpers/env.js';
import { axeViolations, chromiumMissing, collectPageErrors, enterOpensFilePicker, launch, openView, overflowingElements, screenshot, servedApp, type Browser } from './browser.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const HEADER = ['Dispo Closing Date', 'Property Address', 'Market', 'Gross Profit', 'Assignment Fee', 'Trx #', 'Acq Agent', 'Acq Manager', 'Dispo Agent', 'Dispo Manager', 'FlatFee Listed', '', '', ''];
/** One row per deal, as the operator's sheet has them (day of the month first). */
const DEALS: Array<[day: number, property: string, market: string, gp: string, fee: string, trx: string, acq: string, acqManager: string, dispo: string, dispoManager: string, flatFee: string]> = [
  [30, '5118 Reno St, Philadelphia, PA 19139', 'Philadelphia, PA', ' $6,000 ', ' $6,000 ', '1', 'Steve Shelburne', 'Devin Buford', 'Vincent Gnapi', 'Maegan Grace', ''],
  [12, '77 Elm Ave, Phoenix, AZ 85008', 'Phoenix, AZ', ' $12,500.50 ', ' $13,000 ', '1', 'Kyle Singer', 'Devin Buford', 'Vincent Gnapi', 'Maegan Grace', 'YES'],
  // A memo row: GP that belongs to the month, no transaction.
  [15, '12 Oak Ct, Phoenix, AZ 85001', 'Phoenix, AZ', '$1,250.25', '', '0', 'Kyle Singer', 'Devin Buford', '', '', ''],
  // A clawback, written the accountant's way.
  [20, '9 Pine Rd, Tampa, FL 33601', 'Tampa, FL', '(250.00)', '', '1', 'Steve Shelburne', 'Devin Buford', 'Ana Ruiz', 'Maegan Grace', 'YES'],
  [22, '410 Birch St, Tampa, FL 33602', 'Tampa, FL', ' $8,000 ', ' $8,000 ', '1', 'Kyle Singer', 'Devin Buford', 'Ana Ruiz', 'Maegan Grace', ''],
];

/** Cents of an amount as the sheet writes it: " $6,000 " → 600000, "(250.00)" → -25000. */
function cents(text: string): number {
  const trimmed = text.trim();
  const negative = /^\(.*\)$/.test(trimmed) || trimmed.startsWith('-');
  const [whole, fraction = ''] = trimmed.replace(/[()$,\s-]/g, '').split('.');
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -value : value;
}

// The independent sum, by hand: 6,000.00 + 12,500.50 + 1,250.25 − 250.00 + 8,000.00 = 27,500.75
// (every deal closed, each counted once; the memo row's GP counts, its transaction does not: 4).
const COMPANY_GP_CENTS = DEALS.reduce((sum, deal) => sum + cents(deal[3]), 0);
const SHOWN_GP = '$27,500.75';

const csvCell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
/** The CSV as Excel on a Mac writes it: a BOM, CRLF, three empty trailing columns, a totals line. */
function closingsCsv(month: string): Buffer {
  const lines = [
    HEADER,
    ...DEALS.map(([day, ...rest]) => [`${Number(month.slice(5))}/${day}/${month.slice(2, 4)}`, ...rest, '', '', '']),
    ['', '', '', '$27,500.75', '$27,000.00', '4', '', '', '', '', '', '', '', ''],
  ];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8')]);
}

/** The same sheet as a workbook: amounts as numbers in a currency format, dates as serials, the totals a formula. */
function closingsXlsx(month: string): Buffer {
  const [year, index] = month.split('-').map(Number) as [number, number];
  const serial = (day: number) => (Date.UTC(year, index - 1, day) - Date.UTC(1899, 11, 30)) / 86_400_000;
  const rows: unknown[][] = [
    HEADER,
    ...DEALS.map(([day, property, market, gp, fee, trx, ...people]) => [serial(day), property, market, cents(gp) / 100, fee === '' ? '' : cents(fee) / 100, Number(trx), ...people, '', '', '']),
    [],
  ];
  const sheet = XLSX.utils.aoa_to_sheet(rows);
  for (let r = 1; r <= DEALS.length; r += 1) {
    sheet[XLSX.utils.encode_cell({ r, c: 0 })]!.z = 'm/d/yy';
    for (const c of [3, 4]) {
      const cell = sheet[XLSX.utils.encode_cell({ r, c })];
      if (cell && cell.t === 'n') cell.z = '"$"#,##0.00';
    }
  }
  const last = DEALS.length + 1;
  sheet[XLSX.utils.encode_cell({ r: last, c: 3 })] = { t: 'n', v: COMPANY_GP_CENTS / 100, f: `SUM(D2:D${last})`, z: '"$"#,##0.00' };
  sheet[XLSX.utils.encode_cell({ r: last, c: 5 })] = { t: 'n', v: 4, f: `SUM(F2:F${last})` };
  sheet['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: last, c: HEADER.length - 1 } });
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['How to fill in this workbook'], ['One row per deal on the next sheet.']]), 'Notes');
  XLSX.utils.book_append_sheet(workbook, sheet, 'Dispo Closings');
  return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

test('Import closings in Chromium: a messy CSV and the same xlsx, mapped, previewed and imported', { skip: chromiumMissing, timeout: 10 * 60_000 }, async (t) => {
  assert.equal(COMPANY_GP_CENTS, 2_750_075, 'the hand sum of the rows');
  const { base } = await servedApp(t);
  const org = uniqueOrg('web-closings');
  const token = await tokenFor({ orgId: org, role: 'admin', email: `ops@${org}.example` });
  const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as T };
  };

  const browser: Browser = await launch();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const pageErrors = collectPageErrors(browser);

  const noSeriousViolations = async (on: Page, when: string) => {
    const violations = await axeViolations(on);
    assert.deepEqual(violations, [], `axe, ${when}: ${JSON.stringify(violations, null, 2)}`);
  };

  /** Month and file in, the mapping step out. */
  const chooseFile = async (on: Page, month: string, file: { name: string; mimeType: string; buffer: Buffer }) => {
    await on.fill('#closings-month', month);
    await on.setInputFiles('#closings-file', file);
    await on.locator('#closings-mapping').waitFor({ timeout: 60_000 });
  };
  const previewed = async (on: Page) => {
    await on.click('#closings-preview');
    await on.locator('#closings-preview-result, #closings-preview-host [data-outcome=error]').first().waitFor({ timeout: 60_000 });
    assert.equal(await on.locator('#closings-preview-host [data-outcome=error]').count(), 0, (await on.locator('#closings-preview-host').textContent()) ?? '');
  };

  await t.test('a first-time organisation is led from the empty dashboard to the closings import', async () => {
    await page.goto(`${base}/#access_token=${token}`);
    await page.locator('#panel-dashboard[data-state=empty]').waitFor({ timeout: 90_000 });
    assert.match((await page.locator('#panel-dashboard').textContent()) ?? '', /closings spreadsheet/);
    await page.click('#panel-dashboard button:has-text("Import data")');
    await page.locator('#panel-data[data-state=ready]').waitFor({ timeout: 60_000 });
    assert.equal(await page.isVisible('#getting-started'), true, 'the getting-started steps');
    await page.click('#getting-started button:has-text("Start with closings")');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'closings-month');
    // Enter on the focused file control opens the picker, as Space does.
    assert.ok(await enterOpensFilePicker(page, '#closings-file'), 'Enter opens the file picker');
    await noSeriousViolations(page, 'the empty Import view');
  });

  await t.test('the messy CSV: the suggested mapping, saved by name, previewed with the totals line skipped, imported', async () => {
    await chooseFile(page, '2025-09', { name: 'Sept closings.csv', mimeType: 'text/csv', buffer: closingsCsv('2025-09') });
    const picked = async (key: string) => page.locator(`select[data-field="${key}"]`).inputValue();
    assert.equal(await picked('gp'), 'Gross Profit');
    assert.equal(await picked('transactions'), 'Trx #');
    assert.equal(await picked('date'), 'Dispo Closing Date');
    assert.equal(await picked('sides.acq.agent'), 'Acq Agent');
    assert.equal(await picked('sides.acq.manager'), 'Acq Manager');
    assert.equal(await picked('sides.dispo.agent'), 'Dispo Agent');
    assert.equal(await picked('sides.dispo.manager'), 'Dispo Manager');
    assert.equal(await picked('attributes.flat_fee'), 'FlatFee Listed');
    // The flag's translation: "YES" is true, anything else (blank included) false.
    const flag = page.locator('fieldset[data-values="attributes.flat_fee"]');
    assert.equal(await flag.locator('input.value-text').first().inputValue(), 'YES');
    assert.equal(await flag.locator('select').first().inputValue(), 'true');
    assert.equal(await flag.locator('select').last().inputValue(), 'false');
    // The first rows' values beside each field: the GP as the sheet wrote it.
    assert.match((await page.locator('#closings-mapping-table tr:has(select[data-field=gp]) .samples').textContent()) ?? '', /\$6,000/);
    // Empty trailing columns are no choice.
    assert.equal(await page.locator('select[data-field=gp] option[value=""]').count(), 1);
    await noSeriousViolations(page, 'the mapping step');

    await page.fill('#closings-mapping-name', 'Dispo closings');
    await previewed(page);
    assert.equal(await page.getAttribute('#closings-preview-result', 'data-valid'), 'true');
    assert.match((await page.locator('#closings-warnings').textContent()) ?? '', /row 7 skipped: no property or agent \(a totals line\?\)/);
    assert.equal((await page.locator('#closings-preview-count').textContent())?.trim(), String(DEALS.length));
    assert.equal((await page.locator('#closings-preview-gp').textContent())?.trim(), SHOWN_GP);
    assert.equal(await page.locator('#closings-preview-rows tbody tr').count(), DEALS.length);
    assert.match((await page.locator('#closings-preview-rows tbody tr').nth(1).textContent()) ?? '', /flat_fee: true/);
    assert.match((await page.locator('#closings-preview-rows tbody tr').nth(0).textContent()) ?? '', /flat_fee: false/);
    const saved = await api<{ mapping: { columns: Record<string, string> } }>('/import-mappings/Dispo%20closings');
    assert.equal(saved.status, 200, 'the mapping was saved under its name');
    assert.equal(saved.body.mapping.columns.gp, 'Gross Profit');
    assert.equal((await api<{ total: number }>('/closings?limit=1')).body.total, 0, 'the preview wrote no closings');
    await noSeriousViolations(page, 'the preview step');
    await screenshot(page, 'closings-preview');

    await page.click('#closings-import');
    const outcome = page.locator('#closings-outcome [data-outcome]');
    await outcome.waitFor({ timeout: 60_000 });
    assert.equal(await outcome.getAttribute('data-outcome'), 'success', (await outcome.textContent()) ?? '');
    assert.equal((await page.locator('#closings-imported-gp').textContent())?.trim(), SHOWN_GP);
    assert.match((await outcome.textContent()) ?? '', /Sep 2025 imported/);
    assert.match((await outcome.textContent()) ?? '', /4 transactions/);
    // The month's row in the closings table, as the page shows it, and the server's own figure.
    const row = page.locator('#closings-months-table tbody tr:has-text("Sep 2025")');
    await row.waitFor({ timeout: 60_000 });
    assert.match((await row.textContent()) ?? '', /\$27,500\.75/);
    const stored = await api<{ totals: { company_gp: number; company_transactions: number; closings: number } }>('/closings/2025-09');
    assert.deepEqual([Math.round(stored.body.totals.company_gp * 100), stored.body.totals.company_transactions, stored.body.totals.closings], [COMPANY_GP_CENTS, 4, DEALS.length]);
    assert.equal(await page.isVisible('#getting-started'), false, 'the getting-started steps are gone once there is data');
    await screenshot(page, 'closings-imported');
  });

  await t.test('the same sheet as xlsx: the sheet picked, the saved mapping offered, the same company GP', async () => {
    await chooseFile(page, '2025-10', { name: 'Oct closings.xlsx', mimeType: XLSX_TYPE, buffer: closingsXlsx('2025-10') });
    // The workbook opens on its notes sheet: pick the closings one.
    assert.equal(await page.locator('#closings-sheet').inputValue(), 'Notes');
    await page.selectOption('#closings-sheet', 'Dispo Closings');
    await page.locator('#closings-mapping-saved').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => (document.querySelector('#closings-sheet') as HTMLSelectElement | null)?.value === 'Dispo Closings', undefined, { timeout: 60_000 });
    // The mapping saved for the CSV fits these headers and is taken.
    assert.equal(await page.locator('#closings-mapping-saved').inputValue(), 'Dispo closings');
    assert.equal(await page.locator('#closings-mapping-name').inputValue(), 'Dispo closings');
    await previewed(page);
    assert.match((await page.locator('#closings-warnings').textContent()) ?? '', /row 7 skipped: no property or agent \(a totals line\?\)/);
    assert.equal((await page.locator('#closings-preview-gp').textContent())?.trim(), SHOWN_GP);
    await page.click('#closings-import');
    await page.locator('#closings-outcome [data-outcome=success]').waitFor({ timeout: 60_000 });
    assert.equal((await page.locator('#closings-imported-gp').textContent())?.trim(), SHOWN_GP);
    const row = page.locator('#closings-months-table tbody tr:has-text("Oct 2025")');
    await row.waitFor({ timeout: 60_000 });
    assert.match((await row.textContent()) ?? '', /\$27,500\.75/);
    const [csvMonth, xlsxMonth] = await Promise.all([api<{ document: { closings: unknown[] } }>('/closings/2025-09'), api<{ document: { closings: Array<{ date?: string }> } }>('/closings/2025-10')]);
    const withoutDates = (closings: Array<{ date?: string }>) => closings.map(({ date, ...rest }) => ({ ...rest, day: date?.slice(8) }));
    assert.deepEqual(withoutDates(xlsxMonth.body.document.closings), withoutDates(csvMonth.body.document.closings as Array<{ date?: string }>), 'the xlsx gives the CSV’s closings');
  });

  await t.test('an unreadable cell is an error naming row and column; nothing can be imported', async () => {
    const broken = closingsCsv('2025-11').toString('utf8').replace('" $12,500.50 "', 'twelve grand');
    await chooseFile(page, '2025-11', { name: 'Nov closings.csv', mimeType: 'text/csv', buffer: Buffer.from(broken) });
    await previewed(page);
    assert.equal(await page.getAttribute('#closings-preview-result', 'data-valid'), 'false');
    assert.match((await page.locator('#closings-errors').textContent()) ?? '', /row 3, column "Gross Profit"/);
    assert.equal(await page.isDisabled('#closings-import'), true);
    assert.equal((await api<{ total: number }>('/closings?limit=5')).body.total, 2);
  });

  await t.test('deleting a month asks first, then deletes it', async () => {
    const row = page.locator('#closings-months-table tbody tr:has-text("Oct 2025")');
    await row.locator('button:has-text("Delete")').click();
    assert.match((await row.textContent()) ?? '', /Delete the closings of Oct 2025\?/);
    await row.locator('button[data-confirm=delete]').click();
    await page.locator('#closings-months-table tbody tr:has-text("Oct 2025")').waitFor({ state: 'detached', timeout: 60_000 });
    assert.equal((await api('/closings/2025-10')).status, 404);
  });

  await t.test('the flow fits a 375 px screen', async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 375, height: 812 });
    await phone.goto(`${base}/#access_token=${token}`);
    assert.equal(await openView(phone, 'data'), 'ready');
    await chooseFile(phone, '2025-09', { name: 'Sept closings.csv', mimeType: 'text/csv', buffer: closingsCsv('2025-09') });
    await previewed(phone);
    assert.deepEqual(await overflowingElements(phone), [], 'nothing wider than the screen');
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the page is ${width} px wide`);
    await screenshot(phone, '375-closings-preview');
    await phone.close();
  });

  assert.deepEqual(pageErrors, [], 'no script errors');
});
