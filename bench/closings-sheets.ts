/**
 * `npx tsx bench/closings-sheets.ts [--rows 10000] [--runs 5]`
 *
 * Reads a closings month of `--rows` deals (bench/closings-data.ts: two-sided deals, memo rows,
 * house rows, messy cells, a totals line) from CSV and from xlsx, through the same mapping and code the closings import uses (strict
 * decoding or the zip guard, the parser, the mapping), and prints the median time of `--runs` runs
 * after one warm-up (wall clock, and CPU time, which a machine shared with other work disturbs less), and the peak memory. Each format runs in a child process of its own, so the
 * peak resident size (getrusage maxRSS) is that format's alone.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { closingsFromSheet } from '../src/domain/closings/sheet-closings.js';
import { readSpreadsheet } from '../src/domain/closings/spreadsheet.js';
import { XLSX_MEDIA_TYPE } from '../src/domain/closings/xlsx-sheet.js';
import { closingsCsv, closingsXlsx, MAPPING, MONTH } from './closings-data.js';

function readOnce(bytes: Buffer, contentType: string) {
  const read = readSpreadsheet({ bytes, contentType }, { sheet: MAPPING.sheet, delimiter: ',' });
  return closingsFromSheet(read.sheet, MAPPING, MONTH);
}

function runCase(format: 'csv' | 'xlsx', rows: number, runs: number) {
  const bytes = format === 'csv' ? closingsCsv(rows) : closingsXlsx(rows);
  const contentType = format === 'csv' ? 'text/csv' : XLSX_MEDIA_TYPE;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let closings = 0;
  for (let run = 0; run <= runs; run += 1) {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const result = readOnce(bytes, contentType);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpu);
    if (run > 0) cpuTimes.push((used.user + used.system) / 1000);
    if (result.errors.length > 0) throw new Error(`${format}: ${JSON.stringify(result.errors.slice(0, 3))}`);
    closings = result.document.closings.length;
    if (run > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  return { format, rows, bytes: bytes.length, closings, median_ms: times[Math.floor(times.length / 2)]!, median_cpu_ms: cpuTimes[Math.floor(cpuTimes.length / 2)]!, min_ms: times[0]!, max_ms: times.at(-1)!, rss_before_mb: rssBefore / 2 ** 20, peak_rss_mb: peakRss / 2 ** 20 };
}

const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' }, case: { type: 'string' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);

if (values.case === 'csv' || values.case === 'xlsx') {
  process.stdout.write(`${JSON.stringify(runCase(values.case, rows, runs))}\n`);
} else {
  const script = fileURLToPath(import.meta.url);
  const results = (['csv', 'xlsx'] as const).map((format) => {
    const child = spawnSync(process.execPath, [...process.execArgv, script, '--case', format, '--rows', String(rows), '--runs', String(runs)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${format} failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ReturnType<typeof runCase>;
  });
  const f = (n: number) => n.toFixed(1);
  process.stdout.write(`closings sheets: ${rows} rows, median of ${runs} runs after a warm-up (Node ${process.version})\n`);
  process.stdout.write('format  file KB  closings  median ms  min ms  max ms  CPU ms  RSS before MB  peak RSS MB\n');
  for (const r of results) {
    process.stdout.write(
      `${r.format.padEnd(6)}  ${f(r.bytes / 1024).padStart(7)}  ${String(r.closings).padStart(8)}  ${f(r.median_ms).padStart(9)}  ${f(r.min_ms).padStart(6)}  ${f(r.max_ms).padStart(6)}  ${f(r.median_cpu_ms).padStart(6)}  ${f(r.rss_before_mb).padStart(13)}  ${f(r.peak_rss_mb).padStart(11)}\n`,
    );
  }
}
