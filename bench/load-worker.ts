/**
 * Runs one load case in a worker thread, so the load generator has its own event loop and does
 * not queue behind the server it measures (both live in the benchmark's process). Closed loop:
 * autocannon, N connections each sending its next request when the last is answered. Open loop
 * (`rate`): requests sent at evenly spaced times whatever the answers do, each latency counted
 * from the time the request was due, not from when it went out (so a stalled server or a late
 * generator shows in the figures instead of silently lowering the rate; autocannon's `-R` sends
 * each second's requests in a burst). Every response's latency is kept, since autocannon's own
 * histogram reports p97.5 but not p95.
 */
import http from 'node:http';
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
  /** Open loop: requests per second, evenly spaced, for `duration` seconds (`connections` is then the most sockets opened). */
  rate?: number;
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
  /** Open loop: the most requests outstanding at once, and how late (ms) the latest send left after its due time. */
  maxOutstanding?: number;
  maxSendLagMs?: number;
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

/** The open-loop generator (node:http, keep-alive sockets up to `connections`). */
function runOpenLoop(load: LoadCase & { rate: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.connections, maxFreeSockets: load.connections });
  const seconds = load.duration ?? 10;
  const total = Math.round(load.rate * seconds);
  const interval = 1000 / load.rate;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let bytes = 0;
  let errors = 0;
  let done = 0;
  let sent = 0;
  let outstanding = 0;
  let maxOutstanding = 0;
  let maxSendLagMs = 0;
  const url = new URL(load.url);
  const start = performance.now() + 20;
  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      agent.destroy();
      latencies.sort((a, b) => a - b);
      resolve({
        requests: latencies.length,
        seconds: (performance.now() - start) / 1000,
        statuses,
        errors,
        timeouts: total - done,
        latencies,
        bytes,
        maxOutstanding,
        maxSendLagMs,
      });
    };
    const deadline = setTimeout(finish, seconds * 1000 + load.timeout * 1000 + 100);
    const settled = () => {
      done += 1;
      outstanding -= 1;
      if (done === total) finish();
    };
    const send = (due: number) => {
      outstanding += 1;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      const request = http.request(
        { agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: load.method, headers: load.headers },
        (response) => {
          response.on('data', (chunk: Buffer) => (bytes += chunk.length));
          response.on('end', () => {
            latencies.push(performance.now() - due);
            const key = String(response.statusCode);
            statuses[key] = (statuses[key] ?? 0) + 1;
            settled();
          });
          response.on('error', () => {
            errors += 1;
            settled();
          });
        },
      );
      request.on('error', () => {
        errors += 1;
        settled();
      });
      request.end(load.body);
    };
    // Every request whose time has come goes now; then sleep until the next one is due. A timer
    // wakes up to a millisecond late: that lag is part of the measured latency, for the bare server too.
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent * interval;
        maxSendLagMs = Math.max(maxSendLagMs, now - due);
        sent += 1;
        send(due);
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
}

if (parentPort) {
  const load = workerData as LoadCase;
  (load.rate === undefined ? run(load) : runOpenLoop({ ...load, rate: load.rate })).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (error: unknown) => parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
}
