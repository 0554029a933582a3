import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SignatureError, signMarketplaceBody, verifyMarketplaceSignature } from '../../src/auth/marketplace-signature.js';
import {
  FEATURES,
  FEATURE_MATRIX,
  TIERS,
  accessOn,
  claimedEntitlements,
  decideFeature,
  featuresOn,
  judgeChange,
  parseEntitlementStatement,
  type EntitlementChange,
  type StoredEntitlements,
  type Tier,
} from '../../src/domain/entitlements.js';
import type { EntitlementStore } from '../../src/services/entitlements/entitlement-store.js';
import { marketplacePull } from '../../src/services/entitlements/marketplace-pull.js';
import { resolveEntitlements } from '../../src/services/entitlements/resolve-entitlements.js';

const SECRET = 'whsec_test_secret';
const NOW = new Date('2026-02-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const BODY = Buffer.from('{"event_id":"evt_1","tenant_id":"acme","subscription_tier":"premium","promo_until":null,"flags":{}}');

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SignatureError, String(error));
    return error.reason;
  }
  assert.fail('expected a SignatureError');
}

describe('marketplace signature', () => {
  it('accepts the HMAC-SHA256 of "<t>.<raw body>" and returns the signing time', () => {
    const header = signMarketplaceBody(SECRET, T, BODY);
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifyMarketplaceSignature(header, BODY, SECRET, NOW), new Date(T * 1000));
  });

  it('refuses a signature made with another secret', () => {
    assert.equal(reasonOf(() => verifyMarketplaceSignature(signMarketplaceBody('other', T, BODY), BODY, SECRET, NOW)), 'signature does not match');
  });

  it('refuses an altered body, even by one byte', () => {
    const header = signMarketplaceBody(SECRET, T, BODY);
    const altered = Buffer.from(BODY.toString().replace('premium', 'enterprise'));
    assert.equal(reasonOf(() => verifyMarketplaceSignature(header, altered, SECRET, NOW)), 'signature does not match');
    const spaced = Buffer.concat([BODY, Buffer.from(' ')]);
    assert.equal(reasonOf(() => verifyMarketplaceSignature(header, spaced, SECRET, NOW)), 'signature does not match');
  });

  it('refuses a timestamp changed after signing', () => {
    const [, v1] = signMarketplaceBody(SECRET, T, BODY).split(',');
    assert.equal(reasonOf(() => verifyMarketplaceSignature(`t=${T + 1},${v1}`, BODY, SECRET, NOW)), 'signature does not match');
  });

  it('accepts five minutes either way and refuses anything older or newer', () => {
    for (const offset of [-300, 300]) verifyMarketplaceSignature(signMarketplaceBody(SECRET, T + offset, BODY), BODY, SECRET, NOW);
    for (const offset of [-301, 301, -86_400]) {
      assert.match(reasonOf(() => verifyMarketplaceSignature(signMarketplaceBody(SECRET, T + offset, BODY), BODY, SECRET, NOW)), /tolerance/);
    }
  });

  it('refuses malformed and missing headers', () => {
    const good = signMarketplaceBody(SECRET, T, BODY);
    const v1 = good.split(',')[1]!;
    const malformed = [
      'garbage',
      `t=${T}`,
      v1,
      `t=abc,${v1}`,
      `t=${T},v1=xyz`,
      `t=${T},v1=${'a'.repeat(63)}`,
      `t=${T},t=${T},${v1}`,
      `=${T},${v1}`,
      `t=${T},${v1},${'x'.repeat(1100)}`,
      `t=-${T},${v1}`,
    ];
    for (const header of malformed) assert.equal(reasonOf(() => verifyMarketplaceSignature(header, BODY, SECRET, NOW)), 'malformed X-Signature header', header);
    assert.equal(reasonOf(() => verifyMarketplaceSignature(undefined, BODY, SECRET, NOW)), 'missing X-Signature header');
  });

  it('accepts any one of several v1 signatures (secret rotation) and ignores unknown schemes', () => {
    const current = signMarketplaceBody(SECRET, T, BODY).split(',')[1]!;
    const previous = signMarketplaceBody('old-secret', T, BODY).split(',')[1]!;
    verifyMarketplaceSignature(`t=${T}, ${previous}, ${current}, v0=whatever`, BODY, SECRET, NOW);
  });

  it('never accepts a body it did not sign (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (signed, sent) => {
        fc.pre(Buffer.compare(Buffer.from(signed), Buffer.from(sent)) !== 0);
        const header = signMarketplaceBody(SECRET, T, signed);
        assert.throws(() => verifyMarketplaceSignature(header, sent, SECRET, NOW), SignatureError);
      }),
    );
  });
});

const today = new Date('2026-03-10T09:00:00Z');
const record = (tier: Tier, promoUntil: string | null = null, flags = {}) => ({ tier, promoUntil, flags });

describe('feature matrix', () => {
  it('promo and premium unlock the product; enterprise adds custom formulas, branding and higher rate limits', () => {
    assert.deepEqual(featuresOn(record('premium'), today), ['commission_data', 'exports', 'analytics', 'plans', 'plan_simulation']);
    assert.deepEqual(featuresOn(record('promo', '2026-03-10'), today), featuresOn(record('premium'), today));
    assert.deepEqual(featuresOn(record('enterprise'), today), FEATURES);
    assert.deepEqual(featuresOn(record('none'), today), []);
  });

  it('every tier listed for a feature is a real tier, and enterprise has everything', () => {
    for (const feature of FEATURES) {
      for (const tier of FEATURE_MATRIX[feature].tiers) assert.ok((TIERS as readonly string[]).includes(tier));
      assert.ok((FEATURE_MATRIX[feature].tiers as readonly string[]).includes('enterprise'), feature);
    }
  });

  it('refuses enterprise-only features to premium, naming the tier needed', () => {
    const decision = decideFeature(record('premium'), 'custom_formulas', today);
    assert.deepEqual(decision, {
      allowed: false,
      reason: 'Custom formulas needs the enterprise tier; this organisation is on premium.',
      requiredTier: 'enterprise',
    });
    assert.equal(decideFeature(record('premium'), 'branding', today).allowed, false);
  });

  it('without a subscription nothing is unlocked, and the reason says why', () => {
    const none = decideFeature(record('none'), 'analytics', today);
    assert.deepEqual(none, { allowed: false, reason: 'Analytics needs a subscription; this organisation has none.', requiredTier: 'premium' });
    const expired = decideFeature(record('promo', '2026-03-09'), 'exports', today);
    assert.equal(expired.allowed, false);
    assert.match(!expired.allowed ? expired.reason : '', /promotion ended on 2026-03-09/);
  });

  it('flags refine a live subscription but never open a closed one', () => {
    assert.equal(decideFeature(record('premium', null, { branding: true }), 'branding', today).allowed, true);
    const off = decideFeature(record('premium', null, { exports: false }), 'exports', today);
    assert.match(!off.allowed ? off.reason : '', /switched off/);
    assert.equal(decideFeature(record('none', null, { analytics: true }), 'analytics', today).allowed, false);
    assert.equal(decideFeature(record('premium', null, { analytics: 'yes' }), 'analytics', today).allowed, true, 'non-boolean flags are ignored');
  });
});

describe('promotion by the clock', () => {
  it('counts the last day in, and ends the day after', () => {
    const promo = record('promo', '2026-04-09');
    assert.deepEqual(accessOn(promo, new Date('2026-01-10T00:00:00Z')), { commissionIntelligence: true, tier: 'promo', promoUntil: '2026-04-09', promoDaysLeft: 90 });
    assert.equal(accessOn(promo, new Date('2026-04-09T23:59:59Z')).promoDaysLeft, 1);
    assert.deepEqual(accessOn(promo, new Date('2026-04-10T00:00:00Z')), { commissionIntelligence: false, tier: 'promo', promoUntil: '2026-04-09', promoDaysLeft: 0 });
    assert.equal(decideFeature(promo, 'analytics', new Date('2026-04-09T12:00:00Z')).allowed, true);
    assert.equal(decideFeature(promo, 'analytics', new Date('2026-04-10T00:00:01Z')).allowed, false);
  });
});

const stored = (source: StoredEntitlements['source'], time: string | null, tier: Tier = 'promo'): StoredEntitlements => ({
  tier,
  promoUntil: tier === 'promo' ? '2026-04-09' : null,
  flags: {},
  source,
  sourceTime: time ? new Date(time) : null,
});
const change = (source: EntitlementChange['source'], time: string, tier: Tier = 'premium'): EntitlementChange => ({
  source,
  time: new Date(time),
  tier,
  promoUntil: null,
  flags: {},
});

describe('precedence: push > claims > pull > provisioning', () => {
  it('a higher source always applies; a lower one never does, however new', () => {
    assert.equal(judgeChange(stored('provisioning', null), change('pull', '2026-01-01T00:00:00Z')), 'apply');
    assert.equal(judgeChange(stored('pull', '2026-01-01T00:00:00Z'), change('claims', '2020-01-01T00:00:00Z')), 'apply');
    assert.equal(judgeChange(stored('claims', '2026-01-01T00:00:00Z'), change('push', '2020-01-01T00:00:00Z')), 'apply');
    assert.equal(judgeChange(stored('push', '2020-01-01T00:00:00Z'), change('claims', '2030-01-01T00:00:00Z')), 'outranked');
    assert.equal(judgeChange(stored('push', '2020-01-01T00:00:00Z'), change('pull', '2030-01-01T00:00:00Z')), 'outranked');
    assert.equal(judgeChange(stored('claims', '2020-01-01T00:00:00Z'), change('pull', '2030-01-01T00:00:00Z')), 'outranked');
  });

  it('within one source, an older statement changes nothing and a repeat is the same', () => {
    assert.equal(judgeChange(stored('push', '2026-01-02T00:00:00Z'), change('push', '2026-01-01T00:00:00Z')), 'older');
    assert.equal(judgeChange(stored('push', '2026-01-01T00:00:00Z'), change('push', '2026-01-02T00:00:00Z', 'none')), 'apply');
    assert.equal(judgeChange(stored('push', '2026-01-01T00:00:00Z', 'premium'), change('push', '2026-01-01T00:00:00Z')), 'same');
  });

  it('events of one source applied in any order end in the state of the newest (property)', () => {
    const events = fc.uniqueArray(
      fc.record({ seconds: fc.integer({ min: 0, max: 10 ** 6 }), tier: fc.constantFrom(...TIERS) }),
      { minLength: 1, maxLength: 12, selector: (event) => event.seconds },
    );
    fc.assert(
      fc.property(events, fc.func(fc.integer()), (list, order) => {
        const shuffled = [...list].sort((a, b) => order(a.seconds) - order(b.seconds) || a.seconds - b.seconds);
        let state = stored('provisioning', null);
        for (const event of shuffled) {
          const next = { ...change('push', '2026-01-01T00:00:00Z', event.tier), time: new Date(Date.UTC(2026, 0, 1) + event.seconds * 1000) };
          if (judgeChange(state, next) === 'apply') state = { ...next, source: 'push', sourceTime: next.time };
        }
        const newest = list.reduce((a, b) => (b.seconds > a.seconds ? b : a));
        assert.equal(state.tier, newest.tier);
        assert.equal(state.sourceTime?.getTime(), Date.UTC(2026, 0, 1) + newest.seconds * 1000);
      }),
    );
  });
});

describe('statements from tokens and pulls', () => {
  it('reads a well-formed statement and ignores anything else', () => {
    assert.deepEqual(parseEntitlementStatement({ subscription_tier: 'premium', promo_until: null }), { tier: 'premium', promoUntil: null, flags: {} });
    assert.deepEqual(parseEntitlementStatement({ subscription_tier: 'promo', promo_until: '2026-05-31', flags: { analytics: true } }), {
      tier: 'promo',
      promoUntil: '2026-05-31',
      flags: { analytics: true },
    });
    for (const bad of [null, 'premium', [], { subscription_tier: 'gold' }, { subscription_tier: 'promo', promo_until: '2026-02-30' }, { subscription_tier: 'none', flags: [] }]) {
      assert.equal(parseEntitlementStatement(bad), undefined, JSON.stringify(bad));
    }
  });

  it('token claims count only with an iat to order them by', () => {
    const metadata = { entitlements: { subscription_tier: 'enterprise', promo_until: null } };
    assert.deepEqual(claimedEntitlements(metadata, 1_767_225_600)?.issuedAt, new Date('2026-01-01T00:00:00Z'));
    assert.equal(claimedEntitlements(metadata, undefined), undefined);
    assert.equal(claimedEntitlements({}, 1_767_225_600), undefined);
  });
});

/** The store seam, in memory: what a caching store would wrap. */
function memoryStore(initial: StoredEntitlements): EntitlementStore & { state: StoredEntitlements; writes: number } {
  const store = {
    state: initial,
    writes: 0,
    read: async () => store.state,
    apply: async (_tenantId: string, next: EntitlementChange) => {
      const before = store.state;
      const verdict = judgeChange(before, next);
      if (verdict === 'apply') {
        store.writes += 1;
        store.state = { ...next, source: next.source, sourceTime: next.time };
      }
      return { verdict, changed: verdict === 'apply', before, after: store.state };
    },
    push: async () => {
      throw new Error('not used');
    },
  };
  return store;
}

const subject = { tenantId: '00000000-0000-4000-8000-000000000000', orgId: 'acme' };
const pulled = (tier: Tier) => async () => ({ tier, promoUntil: null, flags: {}, fetchedAt: new Date('2026-01-05T00:00:00Z') });
const claims = (tier: Tier, iat = '2026-01-06T00:00:00Z') => ({ tier, promoUntil: null, flags: {}, issuedAt: new Date(iat) });

describe('resolving a request’s entitlements', () => {
  it('provisioning default when nothing else speaks', async () => {
    const store = memoryStore(stored('provisioning', null));
    assert.equal((await resolveEntitlements({ store }, subject)).tier, 'promo');
    assert.equal(store.writes, 0);
  });

  it('pull beats the provisioning default; claims beat pull; push beats claims', async () => {
    const store = memoryStore(stored('provisioning', null));
    assert.equal((await resolveEntitlements({ store, pull: pulled('premium') }, subject)).tier, 'premium');
    assert.equal(store.state.source, 'pull');
    assert.equal((await resolveEntitlements({ store, pull: pulled('premium') }, { ...subject, claims: claims('enterprise') })).tier, 'enterprise');
    assert.equal(store.state.source, 'claims');
    // Pull is no longer asked once claims have spoken.
    let asked = false;
    const spy = async () => {
      asked = true;
      return undefined;
    };
    assert.equal((await resolveEntitlements({ store, pull: spy }, subject)).tier, 'enterprise');
    assert.equal(asked, false);

    store.state = { ...stored('push', '2026-01-01T00:00:00Z', 'none') };
    const result = await resolveEntitlements({ store, pull: pulled('premium') }, { ...subject, claims: claims('enterprise', '2030-01-01T00:00:00Z') });
    assert.equal(result.tier, 'none', 'a push, once received, wins over newer claims');
  });

  it('claims of an older token do not undo those of a newer one; a repeat writes nothing', async () => {
    const store = memoryStore(stored('provisioning', null));
    await resolveEntitlements({ store }, { ...subject, claims: claims('premium', '2026-01-06T10:00:00Z') });
    await resolveEntitlements({ store }, { ...subject, claims: claims('none', '2026-01-06T09:00:00Z') });
    assert.equal(store.state.tier, 'premium');
    const writes = store.writes;
    await resolveEntitlements({ store }, { ...subject, claims: claims('premium', '2026-01-06T10:00:00Z') });
    assert.equal(store.writes, writes);
  });
});

describe('pull source', () => {
  function fakeMarketplace() {
    const calls: string[] = [];
    let answer: () => Promise<Response> = async () => Response.json({ subscription_tier: 'premium', promo_until: null });
    const fetchFn = (async (input: string | URL) => {
      calls.push(String(input));
      return answer();
    }) as typeof fetch;
    return { calls, fetchFn, answer: (next: () => Promise<Response>) => (answer = next) };
  }

  it('asks GET <url>?tenant_id=<org>, caches the answer, and serves the last-known one when the marketplace fails', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const market = fakeMarketplace();
    const pull = marketplacePull({ url: 'https://market.example/v1/entitlements?key=k', clock: () => now, fetch: market.fetchFn, freshMs: 60_000, retryMs: 10_000 });
    assert.equal((await pull('acme'))?.tier, 'premium');
    assert.deepEqual(market.calls, ['https://market.example/v1/entitlements?key=k&tenant_id=acme']);
    await pull('acme');
    assert.equal(market.calls.length, 1, 'fresh answers come from the cache');

    market.answer(async () => new Response('oops', { status: 503 }));
    now = new Date(now.getTime() + 61_000);
    assert.equal((await pull('acme'))?.tier, 'premium', 'a stale answer is served while it is refreshed');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(market.calls.length, 2);
    assert.equal((await pull('acme'))?.tier, 'premium', 'last-known after a failed refresh');
    assert.equal(market.calls.length, 2, 'no retry before retryMs');
  });

  it('an organisation the marketplace does not know, or a marketplace that never answers, gives no statement', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const market = fakeMarketplace();
    market.answer(async () => new Response(null, { status: 404 }));
    const pull = marketplacePull({ url: 'https://market.example/e', clock: () => now, fetch: market.fetchFn });
    assert.equal(await pull('ghost'), undefined);

    const errors: unknown[] = [];
    const hanging = marketplacePull({
      url: 'https://market.example/e',
      clock: () => now,
      timeoutMs: 50,
      onError: (error) => errors.push(error),
      fetch: ((_input: string | URL, init?: RequestInit) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch,
    });
    // AbortSignal.timeout does not keep the event loop alive (a server does); this timer does. Without
    // the timeout the pull would never settle and the test would fail as unfinished: no clock needed.
    const keepAlive = setTimeout(() => {}, 5_000);
    assert.equal(await hanging('slow'), undefined);
    clearTimeout(keepAlive);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error).name, 'TimeoutError', 'given up by the timeout, not by another failure');
  });
});
