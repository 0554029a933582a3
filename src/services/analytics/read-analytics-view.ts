import { TEXT_CODEC, type TenantCache } from '../../cache/cache.js';
import type { PeriodQuery } from '../../domain/analytics/periods.js';
import type { ServiceContext } from '../context.js';
import { computeAnalyticsView, type ViewName, type ViewResult } from './analytics-views.js';

/** Results live 10 minutes at most; every write of the tenant invalidates them sooner. */
const TTL_SECONDS = 600;

/**
 * One analytics view of the tenant for a period, as the caller sends it: `serialize` (a route's
 * response serialiser) applied to the computed view, read through the cache. What is cached is that
 * text, so a hit is sent as it is, without parsing or serialising again.
 */
export async function readAnalyticsView<V extends ViewName>(
  ctx: ServiceContext & { cache: TenantCache | undefined },
  input: { view: V; query: PeriodQuery; serialize: (value: ViewResult<V>) => string },
): Promise<string> {
  const { view, query, serialize } = input;
  const { tenantId } = ctx.principal;
  const key = `analytics-response:${view}:${JSON.stringify([query.period ?? null, query.from ?? null, query.to ?? null, query.as_of ?? null])}`;
  const compute = async () => serialize(await computeAnalyticsView(ctx.pool, tenantId, view, query));
  // getOrLoad stores under the generation seen before loading: a write that lands meanwhile
  // invalidates it, so a stale result is never served.
  return ctx.cache ? ctx.cache.getOrLoad(tenantId, key, TTL_SECONDS, compute, TEXT_CODEC) : compute();
}
