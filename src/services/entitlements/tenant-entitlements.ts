import type { Feature, StoredEntitlements } from '../../domain/entitlements.js';

/**
 * The calling tenant's entitlements, as the transport established them for this request (the
 * entitlement gate reads them once, brought up to date with token claims and the pull source).
 */
export interface TenantEntitlements {
  load(): Promise<StoredEntitlements>;
  /** Refuses (402 over HTTP, with the upgrade URL) unless the tenant may use `feature` today. */
  require(feature: Feature): Promise<void>;
}

/** What use cases whose answer depends on the tenant's subscription get besides the context. */
export interface EntitledContext {
  entitlements: TenantEntitlements;
}
