import type pg from 'pg';
import type { Config } from '../config.js';

/** What route plugins receive from buildApp: the real dependencies, never globals. */
export interface RouteDeps {
  config: Config;
  pool: pg.Pool;
  clock: () => Date;
}
