import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { AppError } from '../domain/app-error.js';
import { serviceContext, systemPrincipal, type ServiceContext } from '../services/context.js';
import { importMonths } from '../services/commissions/import-months.js';
import { importClosingsMonths } from '../services/closings/import-closings-months.js';
import { readClosingsFiles } from './closings-files.js';
import { provisionTenant } from '../services/tenant/provision-tenant.js';
import { expandPaths, readMonthFiles } from './month-files.js';

const USAGE = 'usage: npm run import -- --tenant ORG FILE_OR_DIR...\n       npm run import -- --tenant ORG --closings FILE.json...';

function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY) {
    process.stderr.write(`${done}/${total} ${label}\n`);
    return;
  }
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label.padEnd(12)}`);
  if (done === total) process.stderr.write('\n');
}

interface Sourced<D> {
  source: string;
  document: D;
}

interface ImportedMonth {
  month: string;
  replaced: boolean;
  validation_warnings: string[];
}

/**
 * The run both imports share: report the files' errors, refuse an empty run or a month given
 * twice, then write every month through the use case in one transaction (a run lands whole or
 * not at all) and print what landed.
 */
async function runImport<D extends { month: string }, R extends ImportedMonth>(
  org: string,
  read: { months: Sourced<D>[]; errors: Array<{ source: string; pointer: string; message: string }> },
  options: {
    noun: string;
    write: (ctx: ServiceContext, months: Sourced<D>[]) => Promise<R[]>;
    describe?: (results: R[]) => string;
  },
): Promise<number> {
  const { months, errors } = read;
  if (errors.length > 0) {
    for (const error of errors) process.stderr.write(`${error.source}${error.pointer ? ` ${error.pointer}` : ''}: ${error.message}\n`);
    process.stderr.write(`Nothing imported: ${errors.length} error(s).\n`);
    return 1;
  }
  if (months.length === 0) {
    process.stderr.write(`No ${options.noun}s found in the given files.\n`);
    return 1;
  }
  const seen = new Map<string, string>();
  for (const { source, document } of months) {
    const earlier = seen.get(document.month);
    if (earlier) {
      process.stderr.write(`${source}: month ${document.month} also comes from ${earlier}; import each month once.\n`);
      return 1;
    }
    seen.set(document.month, source);
  }

  const config = loadConfig();
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const database = await openDatabase(config, log);
  try {
    const clock = () => new Date();
    const { tenantId } = await provisionTenant({ pool: database.pool, clock, promoDays: config.promoDays }, { orgId: org });
    // Nothing else runs against this database here: no cache or dashboards to tell.
    const ctx = serviceContext({ pool: database.pool, clock, tenantChanged: async () => {} }, systemPrincipal(tenantId, org));
    let results: R[];
    try {
      results = await options.write(ctx, months);
    } catch (error) {
      if (error instanceof AppError) {
        const source = typeof error.details.source === 'string' ? `${error.details.source} ` : '';
        for (const fieldError of error.errors ?? []) process.stderr.write(`\n${source}${fieldError.pointer}: ${fieldError.message}`);
        throw new Error(`\n${error.message}`);
      }
      throw error;
    }

    const warnings = results.flatMap((result) => result.validation_warnings.map((warning) => `${result.month}: ${warning}`));
    const replaced = results.filter((result) => result.replaced).length;
    process.stdout.write(
      `Imported ${results.length} ${options.noun}(s) into tenant ${org}` +
        `${replaced > 0 ? ` (${replaced} replaced)` : ''}` +
        (options.describe ? `: ${options.describe(results)};` : ',') +
        ` ${warnings.length} warning(s).\n` +
        warnings.map((warning) => `  warning ${warning}\n`).join(''),
    );
    return 0;
  } finally {
    await database.close();
  }
}

/**
 * Loads an operator's existing month files into a tenant through the same validation as the API
 * (payee-level JSON and CSV months, or `--closings` JSON closings months): everything is checked
 * before anything is written, in one transaction.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { tenant: { type: 'string' }, closings: { type: 'string', multiple: true } },
    allowPositionals: true,
  });
  if (!values.tenant) throw new Error(USAGE);
  if (values.closings) {
    return runImport(values.tenant, await readClosingsFiles([...values.closings, ...positionals]), {
      noun: 'closings month',
      write: (ctx, months) => importClosingsMonths(ctx, { months, onProgress: progress }),
      describe: (results) => results.map((result) => `${result.month} ${result.imported.closings} closings, company GP ${result.imported.company_gp}`).join('; '),
    });
  }
  if (positionals.length === 0) throw new Error(USAGE);
  const read = await readMonthFiles(await expandPaths(positionals));
  return runImport(values.tenant, { months: read.months.map(({ source, month }) => ({ source, document: month })), errors: read.errors }, {
    noun: 'month',
    write: (ctx, months) => importMonths(ctx, { months, onProgress: progress }),
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
