import { Worker } from 'node:worker_threads';
import type { LoadCase, LoadResult } from './load-worker.js';

/** Runs one autocannon case on its own thread (bench/load-worker.ts), so the generator never shares the measured loop. */
export function runLoad(load: LoadCase): Promise<LoadResult> {
  const url = new URL('./load-worker.ts', import.meta.url);
  // Workers do not inherit tsx's loader on Node 20: the worker registers it first.
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: load });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
      void worker.terminate();
      if (message.ok) resolve(message.result);
      else reject(new Error(message.error));
    });
    worker.once('error', reject);
  });
}
