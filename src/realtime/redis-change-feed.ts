import type { Redis } from 'ioredis';
import type { StatusLog } from '../observability/connection-status.js';
import { closeRedisClient, createRedisClient } from '../redis/client.js';
import { BaseChangeFeed } from './base-change-feed.js';
import { CHANGE_CHANNEL } from './change-message.js';

export interface RedisChangeFeedOptions {
  url: string;
  log?: StatusLog | undefined;
  channel?: string;
  /** Connection names in CLIENT LIST: `cip-<name>-sub`, `cip-<name>-pub`. */
  name?: string;
}

/**
 * Change notifications over Redis pub/sub: one subscriber connection (subscribed again on every
 * 'ready', so a Redis restart or a killed connection only pauses it) and one publisher connection
 * with the fail-fast settings of `createRedisClient`.
 */
export class RedisChangeFeed extends BaseChangeFeed {
  readonly kind = 'redis' as const;
  private readonly channel: string;
  private readonly subscriber: Redis;
  private readonly publisher: Redis;

  constructor(options: RedisChangeFeedOptions) {
    super('Redis change feed', options.log);
    this.channel = options.channel ?? CHANGE_CHANNEL;
    const name = options.name ?? 'changes';
    this.subscriber = createRedisClient(options.url, { name: `${name}-sub`, commandTimeoutMs: 2_000 });
    this.publisher = createRedisClient(options.url, { name: `${name}-pub` });

    this.subscriber.on('ready', () => void this.listen());
    this.subscriber.on('error', (error: Error) => this.listeningLost(error));
    this.subscriber.on('close', () => this.listeningLost(new Error('subscriber connection closed')));
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.deliver(message);
    });
    // Publish failures are counted and logged by publish(); ioredis needs a listener regardless.
    this.publisher.on('error', () => {});
  }

  protected async send(payload: string): Promise<void> {
    await this.publisher.publish(this.channel, payload);
  }

  protected async shutdown(): Promise<void> {
    await Promise.all([closeRedisClient(this.subscriber), closeRedisClient(this.publisher)]);
  }

  private async listen(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      this.listeningStarted();
    } catch (error) {
      this.listeningLost(error);
      // Connected but not subscribed: start over on a fresh connection rather than stay deaf.
      if (!this.closed) this.subscriber.disconnect(true);
    }
  }
}
