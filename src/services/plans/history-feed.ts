import { historyMonthsIn, readHistoryTexts, type HistoryMonthText } from '../../db/history.js';
import { notFoundError } from '../../domain/app-error.js';
import { inTenant, type ServiceContext } from '../context.js';

/**
 * A tenant's history on its way to a plan worker (issue 21): PostgreSQL's JSON text of a few months
 * at a time, handed on undecoded, so the event loop never holds nor parses a big tenant's history
 * (a million deals were 3 GB of objects assembled here before a simulation could start). The plan
 * workers (plan-workers.ts) call `produce` once the task has its thread, and `send` resolves when
 * the worker has decoded the batch: at most one batch is in flight.
 */
export interface HistoryFeed {
  readonly kind: 'history-feed';
  produce(send: (batch: HistoryMonthText[]) => Promise<void>): Promise<void>;
}

/** Months per batch with deals (about 2 MB of text each for 16,000 deals) and without. */
const BATCH_WITH_DEALS = 2;
const BATCH_WITHOUT_DEALS = 24;

export function isHistoryFeed(value: unknown): value is HistoryFeed {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'history-feed';
}

/**
 * The tenant's history months from `start` (null: its first) to `to`, deals only when asked.
 * Refuses with 404 `missing` when no month of [from, to] has data: checked before the task runs.
 */
export async function historyFeed(
  ctx: ServiceContext,
  range: { start: string | null; from: string; to: string },
  options: { deals: boolean; missing: string },
): Promise<HistoryFeed> {
  const months = await inTenant(ctx, (tx) => historyMonthsIn(tx, range.start, range.to));
  if (!months.some((month) => month >= range.from)) throw notFoundError(options.missing);
  const size = options.deals ? BATCH_WITH_DEALS : BATCH_WITHOUT_DEALS;
  return {
    kind: 'history-feed',
    produce: (send) =>
      // One transaction and connection for the batches; not re-run, as they went out already. A month
      // re-imported meanwhile is read whole, before or after.
      inTenant(
        ctx,
        async (tx) => {
          for (let index = 0; index < months.length; index += size) {
            await send(await readHistoryTexts(tx, months.slice(index, index + size), options));
          }
        },
        { rerunnable: false },
      ),
  };
}
