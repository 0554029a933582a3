import { parseArgs } from 'node:util';
import { loadConfig, usesDevelopmentKey } from '../config.js';
import { loadOrCreateDevSecret, signUserToken } from '../auth/dev-token.js';

const USAGE = 'usage: npm run token -- --tenant ORG [--role admin|member|payee] [--payee NAME] [--email E] [--ttl SECONDS]';

/** Prints a development token for the local signing key that `npm start` uses. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      role: { type: 'string' },
      email: { type: 'string' },
      payee: { type: 'string' },
      ttl: { type: 'string', default: '43200' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.tenant) throw new Error(USAGE);
  const role = values.role;
  if (role !== undefined && role !== 'admin' && role !== 'member' && role !== 'payee') throw new Error(USAGE);
  if (values.payee !== undefined && role !== 'payee') throw new Error('--payee goes with --role payee');
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('--ttl must be a positive number of seconds');

  const config = loadConfig();
  if (!usesDevelopmentKey(config)) {
    throw new Error('An auth provider is configured (AUTH_JWT_SECRET or AUTH_JWKS_URL, or production): tokens come from it, not from here.');
  }
  const secret = await loadOrCreateDevSecret(config.dataDir);
  const token = await signUserToken(secret, { orgId: values.tenant, role, payee: values.payee, email: values.email, ttlSeconds: ttl });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
