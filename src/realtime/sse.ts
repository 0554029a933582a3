import type { ServerResponse } from 'node:http';
import type { ChangeFeed } from './change-feed.js';
import { ALL_TENANTS, type TenantChangeEvent } from './change-message.js';

/** One Server-Sent Event: `event:` and a single-line JSON `data:` (JSON.stringify never emits a newline). */
export function sseEvent(name: string, data: unknown): string {
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
}

/**
 * The open event streams of this instance, grouped by tenant. One subscription to the change feed
 * serves them all; a change is written only to the streams of its own tenant (looked up by the
 * tenant id the feed carries, never by anything the client sent). A resync (the feed reconnected
 * and may have missed changes) goes to every stream as a bare `resync` event with no tenant data.
 */
export class TenantEventHub {
  private readonly streams = new Map<string, Set<ServerResponse>>();
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

  /** Takes over a response whose SSE headers have been written; it leaves when the client goes. */
  attach(tenantId: string, response: ServerResponse): void {
    let tenantStreams = this.streams.get(tenantId);
    if (!tenantStreams) {
      tenantStreams = new Set();
      this.streams.set(tenantId, tenantStreams);
    }
    tenantStreams.add(response);
    this.changed(+1);

    let attached = true;
    const detach = () => {
      if (!attached) return;
      attached = false;
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
      return;
    }
    const tenantStreams = this.streams.get(tenantId);
    if (!tenantStreams) return;
    const message = sseEvent('change', event.month === undefined ? { type: event.type } : { type: event.type, month: event.month });
    for (const response of tenantStreams) this.write(response, message);
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
