import type { ProductAnalyticsConfig } from '../config.js';
import { ConnectionStatus, type StatusLog } from './connection-status.js';
import type { DashboardView } from './dashboard-view.js';

/** One authenticated API request, as product analytics may see it: which tenant used what, never what it held. */
export interface ApiUsage {
  /** The internal tenant uuid (pseudonymous): not the organisation id, no user. */
  tenantId: string;
  method: string;
  /** The route pattern (`/api/v1/commissions/:month`), never the URL. */
  route: string;
  /** The entitlement feature the route serves, if any. */
  feature: string | null;
  statusCode: number;
  /** The dashboard view that made the call (`x-cip-view`), when it said so. */
  view: DashboardView | undefined;
}

/** Counts product usage somewhere the business looks. `apiRequest` never throws and never waits. */
export interface ProductAnalytics {
  apiRequest(usage: ApiUsage): void;
  /** Sends what is queued (bounded wait) and stops. */
  close(): Promise<void>;
}

export const API_REQUEST_EVENT = 'api_request';

/** Per attempt to send a batch; batches go in the background, so this bounds only the shutdown's waiting. */
const REQUEST_TIMEOUT_MS = 3_000;
/** Longest the shutdown waits for PostHog. */
const CLOSE_TIMEOUT_MS = 2_000;

/** `2xx`, `4xx`, …: the outcome without the detail. */
const statusClass = (statusCode: number) => `${Math.floor(statusCode / 100)}xx`;

/**
 * PostHog when POSTHOG_KEY is set, otherwise nothing (and the SDK is never loaded). One
 * `api_request` event per authenticated API request, with the tenant uuid as distinct id and as the
 * `tenant` group. The SDK queues events and sends them in batches from the background; a PostHog
 * that is down or slow costs a request nothing.
 */
export async function createProductAnalytics(config: ProductAnalyticsConfig, log: StatusLog): Promise<ProductAnalytics | undefined> {
  if (!config.key) return undefined;
  const { PostHog } = await import('posthog-node');
  const client = new PostHog(config.key, {
    ...(config.host ? { host: config.host } : {}),
    requestTimeout: REQUEST_TIMEOUT_MS,
    // A batch that cannot be delivered stays queued for the next flush (every 5 s, up to 10,000
    // events); retrying within one flush is worth one quick attempt, not the SDK's 3 × 3 s.
    fetchRetryCount: 1,
    fetchRetryDelay: 1_000,
    // PostHog would place events by the sender's address, which is ours: meaningless, so off.
    disableGeoip: true,
    enableExceptionAutocapture: false,
  });
  const status = new ConnectionStatus('PostHog', log);
  client.on('error', (error: unknown) => status.failed(error, 'usage events are queued and retried, then dropped'));
  client.on('flush', () => status.recovered());
  log.info({ component: 'posthog' }, 'product analytics to PostHog is on (api_request events)');

  return {
    apiRequest(usage) {
      try {
        client.capture({
          distinctId: usage.tenantId,
          event: API_REQUEST_EVENT,
          groups: { tenant: usage.tenantId },
          properties: {
            route: usage.route,
            method: usage.method,
            feature: usage.feature,
            status_class: statusClass(usage.statusCode),
            ...(usage.view ? { view: usage.view } : {}),
          },
        });
      } catch (error) {
        status.failed(error, 'a usage event was dropped');
      }
    },
    async close() {
      await client.shutdown(CLOSE_TIMEOUT_MS);
    },
  };
}
