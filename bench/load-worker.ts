/**
 * Runs one autocannon case in a worker thread, so the load generator has its own event loop and
 * does not queue behind the server it measures (both live in the benchmark's process). Every
 * response's latency is kept, since autocannon's own histogram reports p97.5 but not p95.
 */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

export interface LoadCase {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds; or `amount` requests. */
  duration?: number;
  amount?: number;
  /** Seconds before a request counts as timed out. */
  timeout: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Milliseconds, every completed response, ascending. */
  latencies: number[];
  bytes: number;
}

function run(load: LoadCase): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let bytes = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        method: load.method,
        headers: load.headers,
        ...(load.body === undefined ? {} : { body: load.body }),
        connections: load.connections,
        ...(load.amount === undefined ? { duration: load.duration ?? 10 } : { amount: load.amount }),
        timeout: load.timeout,
        // One request at a time per connection, as browsers and API clients send them.
        pipelining: 1,
      },
      (error, result) => {
        if (error) return reject(error);
        latencies.sort((a, b) => a - b);
        resolve({
          requests: latencies.length,
          seconds: result.duration,
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          latencies,
          bytes,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, resBytes: number, responseTime: number) => {
      latencies.push(responseTime);
      bytes += resBytes;
      const key = String(statusCode);
      statuses[key] = (statuses[key] ?? 0) + 1;
    });
  });
}

if (parentPort) {
  run(workerData as LoadCase).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (error: unknown) => parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
}
