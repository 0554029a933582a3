import { LRUCache } from 'lru-cache';
import { forecastSeries, type Forecast, type Forecaster } from '../../domain/analytics/forecast.js';

/**
 * Forecasts already made, by tenant and by the series they were made from. A forecast is a pure
 * function of its monthly series (forecast.ts), and that series is the whole history up to "now":
 * the same for every period a dashboard asks of one history, and the same request after request
 * until an import, a payout or a deletion changes a month. Fitting it (every ETS model, twice, and
 * the backtest) was the largest part of a cold summary's CPU (about 18 ms of 40 on the 60-month
 * bench tenant); with the series itself as the key, a changed history is a new key, so there is
 * nothing to invalidate and a stale forecast cannot be served.
 *
 * Keys are per tenant, so one tenant's requests never meet another's entries (not even by timing),
 * and an erased tenant's entries are dropped ({@link ForecastMemo.forgetTenant}). What a hit returns
 * is shared between requests: it is frozen, so a caller that tried to change it would fail loudly.
 */
export class ForecastMemo {
  private readonly entries: LRUCache<string, { forecast: Forecast | null }>;

  constructor(max = 2_000) {
    this.entries = new LRUCache({ max });
  }

  /** A {@link Forecaster} for one tenant's series, reading and filling this memo. */
  forTenant(tenantId: string): Forecaster {
    return (values, horizon = 1) => {
      const key = `${tenantId}\n${horizon}\n${values.join(',')}`;
      const hit = this.entries.get(key);
      if (hit) return hit.forecast;
      const forecast = forecastSeries(values, horizon);
      if (forecast) deepFreeze(forecast);
      this.entries.set(key, { forecast });
      return forecast;
    };
  }

  /** Drops every entry of a tenant (when it is erased: its figures must not outlive it in memory). */
  forgetTenant(tenantId: string): void {
    const prefix = `${tenantId}\n`;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /** How many forecasts of a tenant are held (what the erasure tests look at). */
  entriesOf(tenantId: string): number {
    const prefix = `${tenantId}\n`;
    let count = 0;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) count += 1;
    return count;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The process's memo: every analytics view of this process reads it. */
export const forecastMemo = new ForecastMemo();
