import type { Logger } from 'pino';

/** The part of a pino logger that connection watchers use. */
export type StatusLog = Pick<Logger, 'info' | 'warn'>;

/**
 * Tracks whether a background connection (Redis, a LISTEN client) is up, and logs the transitions
 * only: a dead Redis under load would otherwise write one warning per request.
 */
export class ConnectionStatus {
  private down = false;

  constructor(
    private readonly component: string,
    private readonly log: StatusLog | undefined,
  ) {}

  get isDown(): boolean {
    return this.down;
  }

  failed(error: unknown, consequence: string): void {
    if (this.down) return;
    this.down = true;
    const message = error instanceof Error ? error.message : String(error);
    this.log?.warn({ component: this.component, error: message }, `${this.component} unavailable: ${consequence}`);
  }

  recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.log?.info({ component: this.component }, `${this.component} available again`);
  }
}

/** Delay before reconnect attempt `attempt` (1, 2, ...): exponential from 100 ms, capped at 2 s, with jitter. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(Math.max(attempt, 1) - 1, 5), 2_000) + Math.floor(Math.random() * 100);
}
