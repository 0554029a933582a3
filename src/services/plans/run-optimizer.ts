import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { History } from '../../domain/history.js';
import type { OptimizeOptions } from '../../domain/plans/optimize.js';
import { HttpProblem } from '../../http/problem.js';

// The worker is the sibling file with this file's own extension: .ts under tsx, .js once built.
const EXTENSION = path.extname(fileURLToPath(import.meta.url));
const WORKER = new URL(`./optimize-worker${EXTENSION}`, import.meta.url);

/** Workers do not inherit tsx's loader (nor honour --import tsx on Node 20): a .ts worker registers it first. */
function startWorker(workerData: unknown): Worker {
  if (EXTENSION !== '.ts') return new Worker(WORKER, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
/** Searches at once per process; the rest are told to retry rather than queue up CPU. */
const MAX_RUNNING = Math.max(1, availableParallelism() - 1);
const TIME_LIMIT_MS = 60_000;
let running = 0;

export interface OptimizerOutput {
  reason: string | null;
  evaluated: number;
  plans: unknown[];
}

export async function runOptimizer(history: History, options: OptimizeOptions): Promise<OptimizerOutput> {
  if (running >= MAX_RUNNING) {
    throw new HttpProblem(503, 'optimizer-busy', 'The optimiser is busy with other searches; retry in a few seconds.', {}, { 'retry-after': '5' });
  }
  running += 1;
  const worker = startWorker({ history, options });
  try {
    return await new Promise<OptimizerOutput>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new HttpProblem(503, 'optimizer-timeout', 'The search took too long; narrow the range or fix the bracket count.'));
      }, TIME_LIMIT_MS);
      worker.once('message', (message: OptimizerOutput) => {
        clearTimeout(timer);
        resolve(message);
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } finally {
    running -= 1;
    void worker.terminate();
  }
}
