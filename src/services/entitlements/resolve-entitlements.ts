import type { FastifyBaseLogger } from 'fastify';
import { SOURCES, judgeChange, type ClaimedEntitlements, type EntitlementChange, type StoredEntitlements } from '../../domain/entitlements.js';
import type { EntitlementStore } from './entitlement-store.js';
import type { PullEntitlements } from './marketplace-pull.js';

export interface ResolveDeps {
  store: EntitlementStore;
  /** The optional pull source (MARKETPLACE_ENTITLEMENTS_URL). */
  pull?: PullEntitlements | undefined;
  log?: FastifyBaseLogger;
}

export interface EntitlementSubject {
  tenantId: string;
  orgId: string;
  claims?: ClaimedEntitlements | undefined;
}

const PULL_RANK = SOURCES.indexOf('pull');

/**
 * The tenant's entitlements for this request: the stored row (one primary-key read), brought up to
 * date with what this request tells us. Token claims are a statement of the `claims` source; without
 * claims, and while nothing better than a pull is stored, the pull source is asked (from its cache,
 * almost always). A statement that the precedence rule lets through is written (and audited) before
 * the request goes on, so it takes effect now and for every instance's next request.
 */
export async function resolveEntitlements(deps: ResolveDeps, subject: EntitlementSubject): Promise<StoredEntitlements> {
  const stored = await deps.store.read(subject.tenantId);

  let change: EntitlementChange | undefined;
  if (subject.claims) {
    const { issuedAt, ...statement } = subject.claims;
    change = { source: 'claims', time: issuedAt, ...statement };
  } else if (deps.pull && SOURCES.indexOf(stored.source) <= PULL_RANK) {
    const pulled = await deps.pull(subject.orgId);
    if (pulled) {
      const { fetchedAt, ...statement } = pulled;
      change = { source: 'pull', time: fetchedAt, ...statement };
    }
  }
  if (!change || judgeChange(stored, change) !== 'apply') return stored;

  const applied = await deps.store.apply(subject.tenantId, change);
  if (applied.changed) {
    deps.log?.info(
      { source: change.source, from: applied.before.tier, to: applied.after.tier, promo_until: applied.after.promoUntil },
      'entitlements changed',
    );
  }
  return applied.after;
}
