import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { createTenantCache, invalidateAndAnnounce } from '../cache/create-cache.js';
import { openDatabase } from '../db/open.js';
import { createChangeFeed } from '../realtime/change-feed.js';
import { AppError } from '../domain/app-error.js';
import { serviceContext, systemPrincipal, type ServiceContext } from '../services/context.js';
import { importMonths } from '../services/commissions/import-months.js';
import { importClosingsMonths } from '../services/closings/import-closings-months.js';
import type { ClosingsImportResponse } from '../services/closings/import-closings.js';
import { readClosingsFiles, readClosingsSpreadsheets } from './closings-files.js';
import { provisionTenant } from '../services/tenant/provision-tenant.js';
import { expandPaths, readMonthFiles } from './month-files.js';

const USAGE = [
  'usage: npm run import -- --tenant ORG FILE_OR_DIR...',
  '       npm run import -- --tenant ORG --closings FILE.json...',
  '       npm run import -- --tenant ORG --mapping NAME [--month YYYY-MM] [--charset windows-1252] FILE.xlsx|FILE.csv...',
].join('\n');

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
interface ReadFiles<S> {
  months: S[];
  errors: Array<{ source: string; pointer: string; message: string }>;
}

/** What stops a run before anything is written: the files' errors, no month at all, a month given twice. */
function refusal<D extends { month: string }>({ months, errors }: ReadFiles<Sourced<D>>, noun: string): string | null {
  if (errors.length > 0) {
    return (
      errors.map((error) => `${error.source}${error.pointer ? ` ${error.pointer}` : ''}: ${error.message}\n`).join('') +
      `Nothing imported: ${errors.length} error(s).\n`
    );
  }
  if (months.length === 0) return `No ${noun}s found in the given files.\n`;
  const seen = new Map<string, string>();
  for (const { source, document } of months) {
    const earlier = seen.get(document.month);
    if (earlier) return `${source}: month ${document.month} also comes from ${earlier}; import each month once.\n`;
    seen.set(document.month, source);
  }
  return null;
}

async function runImport<D extends { month: string }, R extends ImportedMonth, S extends Sourced<D> = Sourced<D>>(
  org: string,
  /** The files as read, or (spreadsheets, which are read through the tenant's saved mapping) how to read them in the tenant. */
  read: ReadFiles<S> | ((ctx: ServiceContext) => Promise<ReadFiles<S>>),
  options: {
    noun: string;
    write: (ctx: ServiceContext, months: S[]) => Promise<R[]>;
    describe?: (results: R[]) => string;
  },
): Promise<number> {
  // Files read without the database are refused before it is opened.
  const refusedEarly = typeof read === 'function' ? null : refusal(read, options.noun);
  if (refusedEarly) {
    process.stderr.write(refusedEarly);
    return 1;
  }

  const config = loadConfig();
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const database = await openDatabase(config, log);
  // A running service may answer from this database: its caches and open dashboards hear of each
  // committed month as they would of a request's write (Redis's generation raised, or the change
  // announced on the feed that in-process caches listen to).
  const feed = createChangeFeed({ redisUrl: config.redisUrl, databaseUrl: database.appUrl, pool: database.pool, log });
  const cache = await createTenantCache({ redisUrl: config.redisUrl, feed, pool: database.pool, log });
  try {
    const clock = () => new Date();
    const { tenantId } = await provisionTenant({ pool: database.pool, clock, promoDays: config.promoDays }, { orgId: org });
    const ctx = serviceContext({ pool: database.pool, clock, tenantChanged: invalidateAndAnnounce({ cache, feed }) }, systemPrincipal(tenantId, org));
    const files = typeof read === 'function' ? await read(ctx) : read;
    const refused = refusal(files, options.noun);
    if (refused) {
      process.stderr.write(refused);
      return 1;
    }
    const { months } = files;
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
    await cache.close();
    await feed.close();
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
    options: {
      tenant: { type: 'string' },
      closings: { type: 'string', multiple: true },
      mapping: { type: 'string' },
      month: { type: 'string' },
      charset: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (!values.tenant) throw new Error(USAGE);
  const describeClosings = (results: ClosingsImportResponse[]) =>
    results.map((result) => `${result.month} ${result.imported.closings} closings, company GP ${result.imported.company_gp}`).join('; ');
  if (values.mapping) {
    if (positionals.length === 0 || values.closings) throw new Error(USAGE);
    const mapping = values.mapping;
    return runImport(
      values.tenant,
      (ctx) => readClosingsSpreadsheets(ctx, positionals, { mapping, month: values.month, charset: values.charset, onProgress: (done, total, file) => progress(done, total, `read ${file}`) }),
      {
        noun: 'closings month',
        write: (ctx, months) => importClosingsMonths(ctx, { months, onProgress: progress }),
        describe: describeClosings,
      },
    );
  }
  if (values.month || values.charset) throw new Error(`--month and --charset go with --mapping (a spreadsheet).\n${USAGE}`);
  if (values.closings) {
    return runImport(values.tenant, await readClosingsFiles([...values.closings, ...positionals]), {
      noun: 'closings month',
      write: (ctx, months) => importClosingsMonths(ctx, { months, onProgress: progress }),
      describe: describeClosings,
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
