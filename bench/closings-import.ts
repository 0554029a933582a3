/**
 * `npx tsx bench/closings-import.ts [--closings 10000] [--runs 5]`
 *
 * A 10,000-closing JSON month, as the closings import takes it: schema validation (what the route
 * does before the use case), then the import use case (checks against the roster, one transaction,
 * batched INSERTs, roll-up, roster refresh) replacing the month each run, then the preview of the
 * same month. Against a fresh database `cip_bench_closings` on BENCH_DATABASE_URL (a superuser URL,
 * dropped afterwards), or an embedded PostgreSQL in a temporary directory. Prints the median of
 * each and the budget (import ≤ 1 s).
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { ensureTenant } from '../src/db/provisioning.js';
import type { Closing, ClosingsMonth } from '../src/domain/closings/closing.js';
import { ClosingsMonthSchema } from '../src/http/schemas/closings.js';
import { validateBody } from '../src/http/schemas/validate.js';
import { serviceContext, systemPrincipal } from '../src/services/context.js';
import { importClosings } from '../src/services/closings/import-closings.js';
import { previewClosings } from '../src/services/closings/preview-closings.js';
import { benchDatabaseName, openBenchDatabase } from './bench-database.js';

const { values: args } = parseArgs({ options: { closings: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' } } });
const COUNT = Number(args.closings);
const RUNS = Number(args.runs);
const DATABASE = benchDatabaseName('closings');

/** A deterministic month: 60 acq and 40 dispo agents, 12 managers, 1 in 10 rows a memo, 1 in 25 terminated, 1 in 50 a house side. */
function benchMonth(count: number): ClosingsMonth {
  const cities = ['Philadelphia, PA', 'Phoenix, AZ', 'Dallas, TX', 'Atlanta, GA', 'Tampa, FL', 'Memphis, TN'];
  const closings: Closing[] = [];
  for (let index = 0; index < count; index += 1) {
    const gpCents = 100_000 + ((index * 7919) % 2_000_000);
    const gp = gpCents / 100;
    closings.push({
      id: `B-${index}`,
      date: `2025-09-${String(1 + (index % 30)).padStart(2, '0')}`,
      property: `${100 + index} Main St, ${cities[index % cities.length]} ${19000 + (index % 900)}`,
      gp,
      assignment_fee: (gpCents + 50_000) / 100,
      transactions: index % 10 === 0 ? 0 : 1,
      status: index % 25 === 0 ? 'terminated' : 'closed',
      attributes: { flat_fee: index % 3 === 0, exit_strategy: index % 2 === 0 ? 'Assignment' : 'Double close' },
      sides: [
        { role: 'acq', agent: index % 50 === 0 ? null : `Acq Agent ${index % 60}`, manager: `Manager ${index % 6}` },
        { role: 'dispo', agent: `Dispo Agent ${index % 40}`, manager: `Manager ${6 + (index % 6)}` },
      ],
    });
  }
  return { month: '2025-09', closings, adjustments: [{ payee: 'Acq Agent 1', amount: 250, reason: 'sprint' }] };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const { open, cleanup } = await openBenchDatabase(DATABASE);
  try {
    const { tenantId } = await ensureTenant(open.pool, 'bench-closings', { promoDays: 90, today: new Date() });
    const ctx = serviceContext({ pool: open.pool, clock: () => new Date('2025-10-15T12:00:00Z'), tenantChanged: async () => {} }, systemPrincipal(tenantId));
    const document = benchMonth(COUNT);
    const text = JSON.stringify(document);
    const parse: number[] = [];
    const imports: number[] = [];
    const previews: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      let started = performance.now();
      const parsed = validateBody<ClosingsMonth>(ClosingsMonthSchema, JSON.parse(text));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
      parse.push(performance.now() - started);
      started = performance.now();
      const outcome = await importClosings(ctx, { document: parsed.value });
      imports.push(performance.now() - started);
      if (outcome.response.imported.closings !== COUNT) throw new Error('not every closing was imported');
      started = performance.now();
      await previewClosings(ctx, { document: parsed.value });
      previews.push(performance.now() - started);
    }
    const importMs = median(imports);
    process.stdout.write(
      `closings import, ${COUNT} closings (${(text.length / 1e6).toFixed(1)} MB JSON), median of ${RUNS} runs:\n` +
        `  JSON parse + schema validation  ${median(parse).toFixed(0)} ms\n` +
        `  import use case (replace)       ${importMs.toFixed(0)} ms   (runs: ${imports.map((ms) => ms.toFixed(0)).join(', ')})\n` +
        `  preview                         ${median(previews).toFixed(0)} ms\n` +
        `  budget: import ≤ 1000 ms: ${median(parse) + importMs <= 1000 ? 'met' : 'MISSED'} (parse + import ${(median(parse) + importMs).toFixed(0)} ms)\n`,
    );
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
