import type pg from 'pg';
import { insertAuditEntries, type AuditEntry } from '../../db/audit.js';
import { withTenant } from '../../db/tenant.js';

export interface AuditLog {
  error(object: Record<string, unknown>, message: string): void;
}

export interface AuditWriterOptions {
  pool: pg.Pool;
  log: AuditLog;
  /** Longest an entry waits before it is written, ms. */
  flushIntervalMs?: number;
  /** A batch this large is written at once. */
  batchSize?: number;
  /** Entries held at most while the database is failing; beyond it the oldest are dropped, and logged. */
  maxQueued?: number;
}

/**
 * Writes audit entries off the request path: queued in memory, written in batches (one
 * transaction and one INSERT per tenant per batch) every `flushIntervalMs` or when `batchSize` is
 * reached. A failed batch is logged with its size and kept for the next attempt (up to
 * `maxQueued`); entries dropped for lack of room are logged too. Nothing is lost silently: an
 * entry is either written, or named in an error log line. `close()` writes what is left.
 */
export class AuditWriter {
  private queue: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  /** Counters for /metrics. */
  readonly counts = { written: 0, failed: 0, dropped: 0 };

  constructor(private readonly options: AuditWriterOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.batchSize = options.batchSize ?? 200;
    this.maxQueued = options.maxQueued ?? 50_000;
  }

  get pending(): number {
    return this.queue.length;
  }

  record(entry: AuditEntry): void {
    this.queue.push(entry);
    if (this.queue.length > this.maxQueued) {
      const dropped = this.queue.splice(0, this.queue.length - this.maxQueued);
      this.counts.dropped += dropped.length;
      this.options.log.error(
        { dropped: dropped.length, first_request_id: dropped[0]?.requestId, last_request_id: dropped.at(-1)?.requestId },
        'audit queue full: oldest entries dropped',
      );
    }
    if (this.queue.length >= this.batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs).unref();
  }

  /** Writes everything queued so far (waits for a flush in progress first). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async write(batch: AuditEntry[]): Promise<void> {
    const byTenant = new Map<string, AuditEntry[]>();
    for (const entry of batch) {
      const entries = byTenant.get(entry.tenantId);
      if (entries) entries.push(entry);
      else byTenant.set(entry.tenantId, [entry]);
    }
    const retry: AuditEntry[] = [];
    for (const [tenantId, entries] of byTenant) {
      try {
        await withTenant(this.options.pool, tenantId, (tx) => insertAuditEntries(tx, entries));
        this.counts.written += entries.length;
      } catch (error) {
        this.counts.failed += entries.length;
        this.options.log.error(
          { err: error, tenant_id: tenantId, entries: entries.length, request_ids: entries.slice(0, 20).map((entry) => entry.requestId) },
          'audit entries not written; retrying with the next batch',
        );
        // A tenant erased meanwhile has nowhere to write to: its entries end here (logged above).
        if (!isForeignKeyViolation(error)) retry.push(...entries);
      }
    }
    if (retry.length > 0) {
      this.queue = retry.concat(this.queue);
      this.timer ??= setTimeout(() => void this.flush(), Math.max(this.flushIntervalMs, 1_000)).unref();
    }
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23503';
}
