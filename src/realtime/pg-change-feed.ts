import pg from 'pg';
import { reconnectDelayMs, type StatusLog } from '../observability/connection-status.js';
import { BaseChangeFeed } from './base-change-feed.js';
import { tenantProofKeyOf } from '../db/tenant.js';
import { CHANGE_CHANNEL, encodeChange, type TenantChangeEvent } from './change-message.js';
import { payloadSeal, type PayloadSeal } from './sealed-payload.js';

export interface PgChangeFeedOptions {
  /** The application role's URL: LISTEN and NOTIFY need no privilege on any table. */
  connectionString: string;
  /** The application pool, for NOTIFY; its tenant proof key seals the notices. */
  pool: pg.Pool;
  log?: StatusLog | undefined;
  channel?: string;
  /** In pg_stat_activity; tests use it to find and kill the listening connection. */
  applicationName?: string;
  /** How often the idle listening connection proves it is alive. */
  healthCheckMs?: number;
}

const seals = new WeakMap<pg.Pool, PayloadSeal>();

/** The seal of the pool's instances: from its tenant proof key, so every instance shares it. */
function sealOf(pool: pg.Pool): PayloadSeal | undefined {
  let seal = seals.get(pool);
  if (!seal) {
    const key = tenantProofKeyOf(pool);
    if (!key) return undefined;
    seal = payloadSeal(key);
    seals.set(pool, seal);
  }
  return seal;
}

function sealed(pool: pg.Pool, payload: string): string {
  const seal = sealOf(pool);
  if (!seal) throw new Error('change feed: the pool has no tenant proof key to seal notices with');
  return seal.seal(payload);
}

/**
 * The statement that announces a change from inside a transaction: PostgreSQL delivers it only if
 * and when the transaction commits, so the notification can never run ahead of the write or
 * announce a write that rolled back. `tx.query(notifyStatement(pool, tenantId, event))`; sealed
 * like every notice on the channel (see sealed-payload.ts).
 */
export function notifyStatement(pool: pg.Pool, tenantId: string, event: TenantChangeEvent, channel = CHANGE_CHANNEL): { text: string; values: string[] } {
  return { text: 'SELECT pg_notify($1, $2)', values: [channel, sealed(pool, encodeChange(tenantId, event))] };
}

/**
 * Change notifications over PostgreSQL LISTEN/NOTIFY: one dedicated connection LISTENs (a pooled
 * one would drop the subscription when released), reconnecting with backoff whenever it is lost
 * and checking itself every `healthCheckMs` (an idle LISTEN connection would otherwise not notice
 * a vanished server for hours).
 */
export class PgChangeFeed extends BaseChangeFeed {
  readonly kind = 'postgres' as const;
  private readonly channel: string;
  private client: pg.Client | undefined;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly healthTimer: NodeJS.Timeout;

  constructor(private readonly options: PgChangeFeedOptions) {
    super('PostgreSQL change feed', options.log);
    this.channel = options.channel ?? CHANGE_CHANNEL;
    this.healthTimer = setInterval(() => this.checkHealth(), options.healthCheckMs ?? 30_000);
    this.healthTimer.unref();
    void this.connect();
  }

  protected async send(payload: string): Promise<void> {
    await this.options.pool.query('SELECT pg_notify($1, $2)', [this.channel, sealed(this.options.pool, payload)]);
  }

  protected async shutdown(): Promise<void> {
    clearInterval(this.healthTimer);
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: 5_000,
      query_timeout: 5_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: this.options.applicationName ?? 'commission-intelligence-changes',
    });
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('listening connection ended')));
    client.on('notification', (message) => {
      if (client !== this.client || message.channel !== this.channel || !message.payload) return;
      const payload = sealOf(this.options.pool)?.open(message.payload);
      if (payload !== undefined) this.deliver(payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (client !== this.client) return; // lost or closed while connecting
    this.attempt = 0;
    this.listeningStarted();
  }

  private lost(client: pg.Client, error: unknown): void {
    if (client !== this.client) return; // an old connection's late events
    this.client = undefined;
    client.end().catch(() => {});
    if (this.closed) return;
    this.listeningLost(error);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => void this.connect(), reconnectDelayMs(this.attempt));
  }

  private checkHealth(): void {
    const client = this.client;
    if (!client || !this.healthy) return;
    client.query('SELECT 1').catch((error: unknown) => this.lost(client, error));
  }
}
