import type pg from 'pg';
import type { Config } from '../config.js';

/** What route plugins receive from buildApp: the real dependencies, never globals. */
export interface RouteDeps {
  config: Config;
  pool: pg.Pool;
  clock: () => Date;
  /** To be called after any write of a tenant's data: drops its cached analytics on every instance (and, for a `users` or `erased` change, the users they provisioned). */
  tenantChanged: (tenantId: string, event?: { type: string; month?: string }) => Promise<void>;
}
