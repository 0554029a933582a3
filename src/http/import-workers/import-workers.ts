import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { AppError } from '../../domain/app-error.js';
import type { ClosingsBody, ImportWorkers, PayeeBody } from '../../services/imports/import-workers.js';
import { FairAdmission, runAdmitted } from '../../services/plans/plan-workers.js';
import { unwrap, type EngineOutcome } from '../../services/worker-outcome.js';

/** What the pool posts to a worker thread (./import-worker.ts). */
export type ImportTask = ({ kind: 'payees' } & PayeeBody) | ({ kind: 'closings' } & ClosingsBody);

export interface ImportWorkerOptions {
  /** Threads at most; default one fewer than the machine's cores (at least one). */
  threads?: number;
  /** The import slots (IMPORTS_TOTAL, IMPORTS_PER_TENANT): every import that holds a slot has a place here. */
  imports: { total: number; perTenant: number };
  /** Longest one body may take, ms (default 30 s). */
  timeLimitMs?: number;
}

// The worker is the sibling file with this file's own extension: .ts under tsx, .js once built.
const EXTENSION = path.extname(fileURLToPath(import.meta.url));
const WORKER = fileURLToPath(new URL(EXTENSION === '.ts' ? './import-worker-under-tsx.mjs' : './import-worker.js', import.meta.url));

const busy = () =>
  new AppError('unavailable', 'imports-busy', 'The service is running as many imports as it can; retry shortly.', { retryAfterSeconds: 5 });
const tooLong = () => new AppError('unavailable', 'imports-timeout', 'Reading the import took too long; retry, or send a smaller file.', { retryAfterSeconds: 30 });

/** The ImportWorkers of src/services/imports/import-workers.ts on piscina threads. */
export function createImportWorkers(options: ImportWorkerOptions): ImportWorkers {
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  const timeLimitMs = options.timeLimitMs ?? 30_000;
  const pool = new Piscina({ filename: WORKER, minThreads: 0, maxThreads: threads, idleTimeout: 60_000 });
  // Places for every import holding a slot, and four per thread more for closings previews, which
  // take no slot (small bodies); a tenant may hold its import slots and half of the preview places.
  // Only previews from several tenants filling their places at once can make an import wait for a
  // 503 with Retry-After (before, each preview ran on the event loop).
  const previews = threads * 4;
  const admission = new FairAdmission({
    threads,
    capacity: options.imports.total + previews,
    share: options.imports.perTenant + Math.floor(previews / 2),
    tenantThreads: Math.max(1, Math.ceil(threads / 2)),
  });

  const run = <T>(task: ImportTask, tenantId: string): Promise<T> =>
    runAdmitted(admission, tenantId, { busy, tooLong }, async () =>
      unwrap((await pool.run(task, { signal: AbortSignal.timeout(timeLimitMs) })) as EngineOutcome<T>),
    );

  return {
    preparePayees: (body, tenantId) => run({ kind: 'payees', ...body }, tenantId),
    prepareClosings: (body, tenantId) => run({ kind: 'closings', ...body }, tenantId),
    close: () => pool.destroy(),
  };
}
