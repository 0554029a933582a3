/**
 * `npm run bench:closings [-- --rows 10000] [-- --runs 3]` (also the last part of `npm run bench`)
 *
 * A closings month of 10,000 deals as operators' spreadsheets have it (bench/closings-data.ts: two-
 * sided deals, memo and house rows, the cell forms real exports mix), as CSV and as xlsx, through
 * the use cases the HTTP route calls: the upload read through the saved mapping
 * (closingsInputFromUpload: strict decoding or the zip guard, the parser, the mapping), then the
 * preview (checks, nothing written) or the import (checks, one transaction replacing the month,
 * batched INSERTs, roll-up, roster). Median of `--runs` runs after a warm-up, against the aims of
 * issue 14: xlsx import ≤ 2 s, CSV import ≤ 1 s, preview ≤ 1 s.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { ensureTenant } from '../src/db/provisioning.js';
import { CSV_MEDIA_TYPE } from '../src/domain/closings/spreadsheet.js';
import { XLSX_MEDIA_TYPE } from '../src/domain/closings/xlsx-sheet.js';
import { closingsInputFromUpload } from '../src/services/closings/closings-input-from-upload.js';
import { importClosings } from '../src/services/closings/import-closings.js';
import { previewClosings } from '../src/services/closings/preview-closings.js';
import { serviceContext, systemPrincipal } from '../src/services/context.js';
import { saveMapping } from '../src/services/import-mappings/save-mapping.js';
import { benchDatabaseName, openBenchDatabase } from './bench-database.js';
import { closingsCsv, closingsXlsx, MAPPING, MONTH } from './closings-data.js';

export interface SheetBenchResult {
  format: 'csv' | 'xlsx';
  rows: number;
  file_kb: number;
  closings: number;
  warnings: number;
  /** The upload read through the mapping (closingsInputFromUpload), part of both figures below. */
  read_ms: number;
  /** Read + preview use case. */
  preview_ms: number;
  /** Read + import use case (one transaction replacing the month). */
  import_ms: number;
  /** CPU time of this process (not PostgreSQL's) in the import: what a machine busy with other work disturbs less. */
  import_cpu_ms: number;
  import_runs_ms: number[];
}

export interface SheetBenchAim {
  aim: string;
  measured: string;
  met: boolean;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number) => Math.round(ms);

/** Measures preview and import of each format in a tenant of its own on `pool` (the application role's). */
export async function benchClosingsSpreadsheets(
  pool: pg.Pool,
  options: { rows?: number; runs?: number; say?: (line: string) => void } = {},
): Promise<{ results: SheetBenchResult[]; aims: SheetBenchAim[] }> {
  const rows = options.rows ?? 10_000;
  const runs = options.runs ?? 3;
  const say = options.say ?? (() => {});
  const { tenantId } = await ensureTenant(pool, 'bench-closings-sheets', { promoDays: 90, today: new Date() });
  const ctx = serviceContext({ pool, clock: () => new Date('2025-10-15T12:00:00Z'), tenantChanged: async () => {} }, systemPrincipal(tenantId));
  await saveMapping(ctx, { name: 'bench-sheet', mapping: MAPPING });
  const results: SheetBenchResult[] = [];
  for (const format of ['csv', 'xlsx'] as const) {
    const bytes = format === 'csv' ? closingsCsv(rows) : closingsXlsx(rows);
    const upload = { bytes, contentType: format === 'csv' ? CSV_MEDIA_TYPE : XLSX_MEDIA_TYPE, month: MONTH, mapping: 'bench-sheet' };
    const reads: number[] = [];
    const previews: number[] = [];
    const imports: number[] = [];
    const importCpu: number[] = [];
    let warnings = 0;
    for (let run = 0; run <= runs; run += 1) {
      let started = performance.now();
      const read = await closingsInputFromUpload(ctx, upload);
      const readMs = performance.now() - started;
      const previewed = await previewClosings(ctx, read.input);
      const previewMs = performance.now() - started;
      if (!previewed.valid || previewed.counts.closings !== rows) throw new Error(`${format} preview: ${JSON.stringify(previewed.errors.slice(0, 3))}`);
      started = performance.now();
      const cpu = process.cpuUsage();
      const imported = await importClosings(ctx, (await closingsInputFromUpload(ctx, upload)).input);
      const importMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      if (imported.response.imported.closings !== rows) throw new Error(`${format}: ${imported.response.imported.closings} of ${rows} closings imported`);
      warnings = imported.response.validation_warnings.length;
      if (run === 0) continue; // the warm-up
      reads.push(readMs);
      previews.push(previewMs);
      imports.push(importMs);
      importCpu.push((used.user + used.system) / 1000);
    }
    const result: SheetBenchResult = {
      format,
      rows,
      file_kb: Math.round(bytes.length / 1024),
      closings: rows,
      warnings,
      read_ms: round(median(reads)),
      preview_ms: round(median(previews)),
      import_ms: round(median(imports)),
      import_cpu_ms: round(median(importCpu)),
      import_runs_ms: imports.map(round),
    };
    say(`  closings ${format}, ${rows} rows (${result.file_kb} KB): read ${result.read_ms} ms, preview ${result.preview_ms} ms, import ${result.import_ms} ms (runs ${result.import_runs_ms.join(', ')}; CPU of this process ${result.import_cpu_ms} ms), ${warnings} warnings (load ${os.loadavg()[0]!.toFixed(1)})`);
    results.push(result);
  }
  const by = (format: 'csv' | 'xlsx') => results.find((result) => result.format === format)!;
  const aims: SheetBenchAim[] = [
    { aim: `import of a ${rows}-row xlsx closings month ≤ 2 s (median)`, measured: `${by('xlsx').import_ms} ms`, met: by('xlsx').import_ms <= 2000 },
    { aim: `import of a ${rows}-row CSV closings month ≤ 1 s (median)`, measured: `${by('csv').import_ms} ms`, met: by('csv').import_ms <= 1000 },
    { aim: `preview of the ${rows}-row CSV ≤ 1 s (median)`, measured: `${by('csv').preview_ms} ms`, met: by('csv').preview_ms <= 1000 },
    { aim: `preview of the ${rows}-row xlsx ≤ 1 s (median)`, measured: `${by('xlsx').preview_ms} ms`, met: by('xlsx').preview_ms <= 1000 },
  ];
  return { results, aims };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' } } });
  const { open, cleanup } = await openBenchDatabase(benchDatabaseName('closings_sheets'));
  try {
    const say = (line: string) => process.stdout.write(`${line}\n`);
    say(`closings spreadsheets through the import's use cases, median of ${values.runs} runs after a warm-up (Node ${process.version}):`);
    const { aims } = await benchClosingsSpreadsheets(open.pool, { rows: Number(values.rows), runs: Number(values.runs), say });
    for (const aim of aims) say(`${aim.met ? 'met ' : 'MISS'}  ${aim.aim}: ${aim.measured}`);
    say(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await cleanup();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
