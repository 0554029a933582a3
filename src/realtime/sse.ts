import type { ServerResponse } from 'node:http';
import type { ChangeFeed } from './change-feed.js';
import { ALL_TENANTS, SESSIONS_CHANGED, TENANT_ERASED, type TenantChangeEvent } from './change-message.js';

/** One Server-Sent Event: `event:` and a single-line JSON `data:` (JSON.stringify never emits a newline). */
function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx and similar proxies buffer responses unless told not to.
  'x-accel-buffering': 'no',
} as const;

export interface TenantEventHubOptions {
  /** A comment line this often keeps proxies and the server's inactivity timeout from closing idle streams. */
  heartbeatMs?: number;
  maxStreamsPerTenant?: number;
  /** A client that lets this much pile up unread is disconnected rather than buffered without end. */
  maxBufferedBytes?: number;
  /** Called with the number of open streams whenever it changes (a gauge for /metrics). */
  onStreamsChanged?: (open: number) => void;
  /**
   * Whether a stream's viewer may still read the tenant (session not revoked, user not erased).
   * Asked for the tenant's streams when the feed says its sessions or users changed, and for every
   * stream after a resync; a stream answered false is told `revoked` and ended. A check that fails
   * (Redis or the database unreachable) leaves the stream open, as a request would be let through.
   */
  stillAuthorised?: (tenantId: string, viewer: StreamViewer) => Promise<boolean>;
}

/** Who reads a stream, from the token that opened it. */
export interface StreamViewer {
  userId: string;
  sessionId: string | undefined;
  /** The token's `exp` (unix seconds): the stream ends then, as the token stops being accepted. */
  expiresAt: number | undefined;
}

/** Change types that tell the hub to look at who reads a tenant's streams, not news for dashboards. */
const ACCESS_CHANGES = new Set([SESSIONS_CHANGED, 'users']);
/** A timer's longest delay; a token valid for longer is ended by a later timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The open event streams of this instance, grouped by tenant. One subscription to the change feed
 * serves them all; a change is written only to the streams of its own tenant (looked up by the
 * tenant id the feed carries, never by anything the client sent). A resync (the feed reconnected
 * and may have missed changes) goes to every stream as a bare `resync` event with no tenant data.
 */
export class TenantEventHub {
  private readonly streams = new Map<string, Set<ServerResponse>>();
  private readonly viewers = new WeakMap<ServerResponse, StreamViewer>();
  private readonly heartbeatMs: number;
  private readonly maxStreamsPerTenant: number;
  private readonly maxBufferedBytes: number;
  private readonly unsubscribe: () => void;
  private heartbeat: NodeJS.Timeout | undefined;
  private count = 0;

  constructor(
    feed: ChangeFeed,
    private readonly options: TenantEventHubOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 25_000;
    this.maxStreamsPerTenant = options.maxStreamsPerTenant ?? 50;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024;
    this.unsubscribe = feed.subscribe((tenantId, event) => this.dispatch(tenantId, event));
  }

  get open(): number {
    return this.count;
  }

  canOpen(tenantId: string): boolean {
    return (this.streams.get(tenantId)?.size ?? 0) < this.maxStreamsPerTenant;
  }

  /**
   * Takes over a response whose SSE headers have been written; it leaves when the client goes, when
   * its viewer loses access (revoked session, erased user or tenant) or when the token expires.
   */
  attach(tenantId: string, response: ServerResponse, viewer?: StreamViewer): void {
    let tenantStreams = this.streams.get(tenantId);
    if (!tenantStreams) {
      tenantStreams = new Set();
      this.streams.set(tenantId, tenantStreams);
    }
    tenantStreams.add(response);
    this.changed(+1);

    let expiry: NodeJS.Timeout | undefined;
    if (viewer) {
      this.viewers.set(response, viewer);
      if (viewer.expiresAt !== undefined) {
        const endAtExpiry = () => {
          const left = viewer.expiresAt! * 1000 - Date.now();
          if (left <= 0) this.revoke(response);
          else expiry = setTimeout(endAtExpiry, Math.min(left, MAX_TIMER_MS)).unref();
        };
        endAtExpiry();
      }
    }

    let attached = true;
    const detach = () => {
      if (!attached) return;
      attached = false;
      clearTimeout(expiry);
      tenantStreams.delete(response);
      if (tenantStreams.size === 0 && this.streams.get(tenantId) === tenantStreams) this.streams.delete(tenantId);
      this.changed(-1);
    };
    response.on('close', detach);
    response.on('error', detach);

    // Reconnect after 5 s if the connection drops; `ready` tells the client it is subscribed.
    this.write(response, `retry: 5000\n\n${sseEvent('ready', {})}`);
  }

  /** Ends every stream (the server is closing: an open stream would keep it from closing). */
  endAll(): void {
    for (const tenantStreams of this.streams.values()) {
      for (const response of tenantStreams) response.end();
    }
  }

  close(): void {
    this.unsubscribe();
    this.endAll();
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private dispatch(tenantId: string, event: TenantChangeEvent): void {
    if (tenantId === ALL_TENANTS) {
      const message = sseEvent('resync', {});
      for (const tenantStreams of this.streams.values()) for (const response of tenantStreams) this.write(response, message);
      // Revocations and erasures may have been missed too.
      for (const id of this.streams.keys()) void this.recheck(id);
      return;
    }
    const tenantStreams = this.streams.get(tenantId);
    if (!tenantStreams) return;
    if (event.type === TENANT_ERASED) {
      for (const response of [...tenantStreams]) this.revoke(response);
      return;
    }
    if (ACCESS_CHANGES.has(event.type)) void this.recheck(tenantId);
    if (event.type === SESSIONS_CHANGED) return;
    const message = sseEvent('change', event.month === undefined ? { type: event.type } : { type: event.type, month: event.month });
    for (const response of tenantStreams) this.write(response, message);
  }

  /** Asks again whether each viewer of the tenant's streams may read it; ends the streams of those who may not. */
  private async recheck(tenantId: string): Promise<void> {
    const check = this.options.stillAuthorised;
    const tenantStreams = this.streams.get(tenantId);
    if (!check || !tenantStreams) return;
    await Promise.all(
      [...tenantStreams].map(async (response) => {
        const viewer = this.viewers.get(response);
        if (!viewer) return;
        let allowed = true;
        try {
          allowed = await check(tenantId, viewer);
        } catch {
          // Unreachable store: left open, as a request would be accepted (logged where it failed).
        }
        if (!allowed) this.revoke(response);
      }),
    );
  }

  /** Tells the client its access ended (so it does not reconnect with the same token) and ends the stream. */
  private revoke(response: ServerResponse): void {
    this.write(response, sseEvent('revoked', {}));
    response.end();
  }

  private write(response: ServerResponse, text: string): void {
    if (response.writableEnded || response.destroyed) return;
    if (response.writableLength > this.maxBufferedBytes) {
      response.destroy();
      return;
    }
    response.write(text);
  }

  private changed(delta: number): void {
    this.count += delta;
    if (this.count > 0 && !this.heartbeat) {
      this.heartbeat = setInterval(() => {
        for (const tenantStreams of this.streams.values()) for (const response of tenantStreams) this.write(response, ': ping\n\n');
      }, this.heartbeatMs);
    } else if (this.count === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
    this.options.onStreamsChanged?.(this.count);
  }
}
