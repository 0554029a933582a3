/**
 * Live refresh from `GET /api/v1/events` (Server-Sent Events). EventSource cannot send the bearer
 * token, so this reads the stream with fetch and parses the event format itself. A 404 means the
 * server has no live updates: the app then works without them. Other failures reconnect with
 * backoff; a 401 or 402 stops (the API client has already acted on them), and so does a `revoked`
 * event (the session was revoked, the user erased or the token expired: the server ended the stream).
 */
import { API, authHeaders } from './api';

export type LiveStatus = 'connecting' | 'live' | 'unavailable' | 'offline';

export interface LiveEvent {
  event: string;
  data: unknown;
}

export interface LiveOptions {
  onEvent: (event: LiveEvent) => void;
  onStatus: (status: LiveStatus) => void;
}

/** Splits an SSE byte stream into events (https://html.spec.whatwg.org/#event-stream-interpretation). */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  constructor(private readonly emit: (event: string, data: string) => void) {}

  push(text: string): void {
    this.buffer += text;
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const length = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0 || this.event) this.emit(this.event || 'message', this.data.join('\n'));
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

export function connectLive(options: LiveOptions): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  let retry = 1000;

  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      options.onStatus('connecting');
      let response: Response;
      try {
        response = await fetch(`${API}/events`, { headers: authHeaders({ accept: 'text/event-stream' }), signal: controller.signal, cache: 'no-store' });
      } catch {
        if (stopped) return;
        options.onStatus('offline');
        await wait(retry);
        retry = Math.min(retry * 2, 30_000);
        continue;
      }
      if (response.status === 404 || response.status === 401 || response.status === 402 || response.status === 403) {
        options.onStatus('unavailable');
        return;
      }
      if (!response.ok || !response.body) {
        options.onStatus('offline');
        const after = Number(response.headers.get('retry-after'));
        await wait(Number.isFinite(after) && after > 0 ? after * 1000 : retry);
        retry = Math.min(retry * 2, 30_000);
        continue;
      }
      options.onStatus('live');
      retry = 1000;
      let revoked = false;
      const parser = new SseParser((event, data) => {
        if (event === 'revoked') revoked = true;
        let parsed: unknown = data;
        try {
          parsed = data ? JSON.parse(data) : null;
        } catch {
          // Plain text data stays text.
        }
        options.onEvent({ event, data: parsed });
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(value);
        }
      } catch {
        // Dropped connection: reconnect below.
      }
      if (stopped) return;
      if (revoked) {
        options.onStatus('unavailable');
        return;
      }
      options.onStatus('offline');
      await wait(retry);
      // Anything sent while disconnected was missed.
      options.onEvent({ event: 'resync', data: null });
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
