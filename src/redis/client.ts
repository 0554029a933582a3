import { Redis, type RedisOptions } from 'ioredis';
import { reconnectDelayMs } from '../observability/connection-status.js';

export interface RedisClientOptions {
  /** Shown in CLIENT LIST (`cip-<name>`), so an operator can tell the connections apart. */
  name: string;
  /** A command with no reply within this long fails (ioredis default: wait forever). */
  commandTimeoutMs?: number;
  /** A connection attempt that has not succeeded within this long is abandoned and retried. */
  connectTimeoutMs?: number;
}

/**
 * A Redis connection that never makes a request wait for Redis. ioredis's defaults queue commands
 * while disconnected, retry each 20 times and have no command timeout, so a dead Redis hangs
 * every request; here a command fails at once when the connection is down (no offline queue),
 * is retried at most once, and fails after `commandTimeoutMs` when Redis hangs. Reconnection goes
 * on in the background forever (the strategy never returns null), so Redis coming back is picked
 * up without a restart. The caller must listen for 'error' (ioredis prints unhandled ones).
 */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const settings: RedisOptions = {
    connectionName: `cip-${options.name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 200,
    connectTimeout: options.connectTimeoutMs ?? 1_000,
    retryStrategy: reconnectDelayMs,
    // Subscriptions are re-established by their owner on 'ready' (see redis-change-feed.ts).
    autoResubscribe: false,
  };
  return new Redis(url, settings);
}

/** Ends a connection: politely when it is up, at once when it is not (QUIT would wait or fail). */
export async function closeRedisClient(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  redis.disconnect(false);
}

/**
 * Waits until the first connection is up, or `withinMs` has passed, whichever comes first; never
 * throws. Without an offline queue a command sent before the connection is ready fails at once,
 * so a rate limit would let an instance's first requests through uncounted: the owner waits here
 * before it serves. A Redis that is down at start costs at most `withinMs` of start-up time.
 */
export async function firstConnection(redis: Redis, withinMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise<boolean>((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), withinMs);
    redis.on('ready', onReady);
  });
}
