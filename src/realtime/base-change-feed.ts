import { ConnectionStatus, type StatusLog } from '../observability/connection-status.js';
import type { ChangeFeed, ChangeFeedStats } from './change-feed-interface.js';
import {
  ALL_TENANTS,
  ListenerSet,
  RESYNC_EVENT,
  decodeChange,
  encodeChange,
  type ChangeListener,
  type TenantChangeEvent,
} from './change-message.js';

/** What both implementations share: listeners, counters, health, resync after reconnect. */
export abstract class BaseChangeFeed implements ChangeFeed {
  abstract readonly kind: 'postgres' | 'redis';
  protected closed = false;
  protected readonly counters: ChangeFeedStats = { published: 0, received: 0, errors: 0, reconnects: 0 };
  private readonly listeners: ListenerSet;
  private readonly listenStatus: ConnectionStatus;
  private readonly publishStatus: ConnectionStatus;
  private listening = false;
  private everListened = false;
  private readonly waiters = new Set<(listening: boolean) => void>();

  constructor(
    component: string,
    protected readonly log: StatusLog | undefined,
  ) {
    this.listeners = new ListenerSet((error) =>
      log?.warn({ component, error: error instanceof Error ? error.message : String(error) }, 'change listener failed'),
    );
    this.listenStatus = new ConnectionStatus(`${component} listener`, log);
    this.publishStatus = new ConnectionStatus(`${component} publisher`, log);
  }

  get healthy(): boolean {
    return this.listening && !this.closed;
  }

  subscribe(listener: ChangeListener): () => void {
    return this.listeners.add(listener);
  }

  ready(timeoutMs = 5_000): Promise<boolean> {
    if (this.healthy) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (listening: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(listening);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(done);
    });
  }

  async publish(tenantId: string, event: TenantChangeEvent): Promise<void> {
    const payload = encodeChange(tenantId, event);
    if (this.closed) return;
    try {
      await this.send(payload);
      this.counters.published += 1;
      this.publishStatus.recovered();
    } catch (error) {
      this.counters.errors += 1;
      this.publishStatus.failed(error, 'changes are not announced to other instances');
    }
  }

  stats(): ChangeFeedStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listening = false;
    this.listeners.clear();
    for (const waiter of [...this.waiters]) waiter(false);
    await this.shutdown();
  }

  /** Transport: send one encoded change. */
  protected abstract send(payload: string): Promise<void>;
  /** Transport: release connections and timers. */
  protected abstract shutdown(): Promise<void>;

  /** The transport is subscribed and receiving. */
  protected listeningStarted(): void {
    if (this.closed || this.listening) return;
    this.listening = true;
    this.listenStatus.recovered();
    for (const waiter of [...this.waiters]) waiter(true);
    if (this.everListened) {
      this.counters.reconnects += 1;
      this.listeners.emit(ALL_TENANTS, RESYNC_EVENT);
    }
    this.everListened = true;
  }

  /** The transport lost its subscription; it is reconnecting. */
  protected listeningLost(error: unknown): void {
    if (this.closed) return;
    if (this.listening) this.counters.errors += 1;
    this.listening = false;
    this.listenStatus.failed(error, 'change notifications paused until reconnected');
  }

  /** A payload arrived on the channel; malformed ones (not ours) are dropped. */
  protected deliver(payload: string): void {
    if (this.closed) return;
    const change = decodeChange(payload);
    if (!change) return;
    this.counters.received += 1;
    this.listeners.emit(change.tenantId, change.event);
  }
}
