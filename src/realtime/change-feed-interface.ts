import type { ChangeListener, TenantChangeEvent } from './change-message.js';

/**
 * Tenant change notifications across every instance of the service: a write through one process
 * reaches the listeners of all of them (including its own). Used to invalidate in-process caches
 * and to push "something changed" to dashboards. Delivery is at most once: after a reconnect the
 * feed emits `(ALL_TENANTS, {type: 'resync'})`, since anything sent meanwhile was lost.
 */
export interface ChangeFeed {
  readonly kind: 'postgres' | 'redis';
  /** True while notifications are being received; false before the first connect and while reconnecting. */
  readonly healthy: boolean;
  /**
   * Tells every instance that `tenantId` changed. Call it after the write has committed. Never
   * rejects for a transport failure (counted, logged once): the write has happened and must not
   * be reported as failed. Throws `ChangeEventError` for a malformed tenant id or event.
   */
  publish(tenantId: string, event: TenantChangeEvent): Promise<void>;
  /** Calls `listener` for every change; returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
  /** Resolves true once notifications are being received, false if that takes longer than `timeoutMs`. */
  ready(timeoutMs?: number): Promise<boolean>;
  stats(): ChangeFeedStats;
  close(): Promise<void>;
}

export interface ChangeFeedStats {
  published: number;
  received: number;
  /** Failed publishes and lost listening connections. */
  errors: number;
  /** Times listening resumed after a lost connection (each emitted a resync). */
  reconnects: number;
}
