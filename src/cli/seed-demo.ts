import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { seedDemoTenant } from '../demo/demo-tenant.js';

/** `npm run seed:demo [-- --force]`: the demo tenant with its plans and its 24 synthetic closings months, paid and approved. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const database = await openDatabase(config, log);
  try {
    const started = performance.now();
    const seed = await seedDemoTenant(database.pool, { promoDays: config.promoDays, today: new Date(), force: values.force, log });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      seed.seeded + seed.approved + seed.plans > 0
        ? `Demo tenant: ${seed.plans} plans stored, ${seed.seeded} closings months imported, ${seed.approved} months paid and approved (${seconds} s).\n`
        : 'Demo tenant already has its plans and months (use --force to reload the months).\n',
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
