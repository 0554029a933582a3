import { LRUCache } from 'lru-cache';
import { parseEntitlementStatement, type EntitlementStatement } from '../../domain/entitlements.js';

/** A pulled statement and when it was fetched (its time for the precedence rule). */
export interface PulledEntitlements extends EntitlementStatement {
  fetchedAt: Date;
}

/** Entitlements of an organisation as the marketplace answers them, or undefined when it has none for us. */
export type PullEntitlements = (orgId: string) => Promise<PulledEntitlements | undefined>;

export interface MarketplacePullOptions {
  /** MARKETPLACE_ENTITLEMENTS_URL; `tenant_id=<org id>` is added to its query. */
  url: string;
  clock: () => Date;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** How long an answer is fresh; a stale one is still served while it is refreshed. */
  freshMs?: number;
  /** After a failure with nothing known, how long until the next attempt. */
  retryMs?: number;
  onError?: (error: unknown, orgId: string) => void;
}

interface Entry {
  value: PulledEntitlements | undefined;
  /** Until when the entry is used without asking the marketplace again. */
  retryAfter: number;
}

class PullError extends Error {
  override name = 'PullError';
}

/**
 * Optional pull source: GET <url>?tenant_id=<org> answering `{subscription_tier, promo_until, flags?}`
 * (404: the marketplace has nothing for the organisation). Answers are cached in memory per
 * organisation: fresh for `freshMs`; after that the last-known answer is served at once while one
 * refresh runs in the background; a failed refresh keeps the last-known answer. Only an
 * organisation never fetched waits for the marketplace, and at most `timeoutMs`.
 */
export function marketplacePull(options: MarketplacePullOptions): PullEntitlements {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const freshMs = options.freshMs ?? 5 * 60_000;
  const retryMs = options.retryMs ?? 30_000;
  const cache = new LRUCache<string, Entry>({ max: 50_000 });
  const inFlight = new Map<string, Promise<void>>();

  async function fetchOne(orgId: string): Promise<PulledEntitlements | undefined> {
    const target = new URL(options.url);
    target.searchParams.set('tenant_id', orgId);
    const response = await doFetch(target, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new PullError(`marketplace answered ${response.status}`);
    const statement = parseEntitlementStatement(await response.json());
    if (!statement) throw new PullError('marketplace answer is not an entitlement statement');
    return { ...statement, fetchedAt: options.clock() };
  }

  function refresh(orgId: string): Promise<void> {
    const running = inFlight.get(orgId);
    if (running) return running;
    const job = fetchOne(orgId)
      .then((value) => {
        const now = options.clock().getTime();
        cache.set(orgId, { value, retryAfter: now + freshMs });
      })
      .catch((error: unknown) => {
        options.onError?.(error, orgId);
        // Last-known fallback: keep the answer we had (if any); try again after retryMs.
        cache.set(orgId, { value: cache.get(orgId)?.value, retryAfter: options.clock().getTime() + retryMs });
      })
      .finally(() => inFlight.delete(orgId));
    inFlight.set(orgId, job);
    return job;
  }

  return async (orgId) => {
    const entry = cache.get(orgId);
    const now = options.clock().getTime();
    if (entry && now < entry.retryAfter) return entry.value;
    if (entry) {
      void refresh(orgId);
      return entry.value;
    }
    await refresh(orgId);
    return cache.get(orgId)?.value;
  };
}
