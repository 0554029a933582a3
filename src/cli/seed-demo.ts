import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { seedDemoTenant } from '../demo/demo-tenant.js';

/** `npm run seed:demo [-- --force]`: the demo tenant with its 24 synthetic months. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const database = await openDatabase(config, log);
  try {
    const { seeded } = await seedDemoTenant(database.pool, { promoDays: config.promoDays, today: new Date(), force: values.force, log });
    process.stdout.write(seeded > 0 ? `Demo tenant loaded with ${seeded} months.\n` : 'Demo tenant already has data (use --force to reload it).\n');
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
