import cluster, { type Worker } from 'node:cluster';
import { isWorkerListening } from './messages.js';

export interface PrimaryLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface WorkersOptions {
  /** How many worker processes (WEB_CONCURRENCY). */
  count: number;
  /** Added to every worker's environment (the database the primary migrated). */
  env: Record<string, string>;
  log: PrimaryLog;
  /** Once, when every worker first listens. */
  onListening: (port: number) => void;
  /** Workers crash faster than they can be replaced: the primary gives up (the caller shuts down). */
  onCrashLoop: () => void;
  /** How long workers get to drain before they are killed, ms. */
  graceMs?: number;
}

export interface Workers {
  /** Worker process ids now running. */
  pids(): number[];
  /** Asks every worker to drain and stop; kills those still running after the grace period. */
  stop(): Promise<void>;
}

/** A crashed worker is replaced at once; this many crashes within CRASH_WINDOW_MS is a crash loop. */
const CRASH_LIMIT = 5;
const CRASH_WINDOW_MS = 60_000;
/** A worker that dies this soon after it started is replaced after RESTART_DELAY_MS, not at once. */
const EARLY_DEATH_MS = 5_000;
const RESTART_DELAY_MS = 1_000;

/** The message a worker takes as "drain and stop" (src/main.ts). */
export const SHUTDOWN_MESSAGE = 'cip:shutdown';

/**
 * The cluster's primary: forks `count` workers (each runs the whole HTTP service on the shared
 * port; node:cluster hands connections round-robin) and replaces a worker that dies unless it is
 * stopping.
 */
export function startWorkers(options: WorkersOptions): Workers {
  const { log, count } = options;
  const started = new Map<number, number>();
  const listening = new Set<number>();
  const crashes: number[] = [];
  let announced = false;
  let stopping = false;
  let exitedAll: (() => void) | undefined;

  const live = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);

  const fork = () => {
    const worker = cluster.fork(options.env);
    started.set(worker.id, Date.now());
    worker.on('message', (message: unknown) => {
      if (isWorkerListening(message)) {
        listening.add(worker.id);
        if (!announced && listening.size >= count) {
          announced = true;
          options.onListening(message.port);
        }
      }
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const startedAt = started.get(worker.id) ?? 0;
    started.delete(worker.id);
    listening.delete(worker.id);
    if (stopping) {
      if (live().length === 0) exitedAll?.();
      return;
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && crashes[0]! < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length >= CRASH_LIMIT) {
      log.error({ pid: worker.process.pid, code, signal, crashes: crashes.length }, `workers crashed ${crashes.length} times within ${CRASH_WINDOW_MS / 1000} s: giving up`);
      options.onCrashLoop();
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, 'worker exited unexpectedly: starting a replacement');
    if (now - startedAt < EARLY_DEATH_MS) setTimeout(() => stopping || fork(), RESTART_DELAY_MS).unref();
    else fork();
  });

  for (let i = 0; i < count; i += 1) fork();

  return {
    pids: () => live().flatMap((worker) => (worker.process.pid === undefined ? [] : [worker.process.pid])),
    async stop() {
      stopping = true;
      const running = live();
      if (running.length === 0) return;
      const allGone = new Promise<void>((resolve) => (exitedAll = resolve));
      // A message, not a signal: a worker that already has SIGINT from the terminal would take a
      // second signal as "exit now" (close-with-grace).
      for (const worker of running) if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
      const timer = setTimeout(() => {
        for (const worker of live()) {
          log.warn({ pid: worker.process.pid }, 'worker still running after the grace period: killed');
          worker.process.kill('SIGKILL');
        }
      }, options.graceMs ?? 15_000);
      await allGone;
      clearTimeout(timer);
    },
  };
}
