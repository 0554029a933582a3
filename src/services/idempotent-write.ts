import { claimIdempotencyKey, saveIdempotentResponse } from '../db/idempotency.js';
import type { TenantTx } from '../db/tenant.js';
import { AppError } from '../domain/app-error.js';

export interface IdempotentOutcome<R> {
  response: R;
  /** True when an earlier response to the same Idempotency-Key was returned and nothing was applied. */
  replayed: boolean;
}

/**
 * A write under an optional Idempotency-Key, inside the caller's transaction: a repeat of the same
 * body (same `hash`) returns the first response without running `write`; the same key with a
 * different body is a 422; otherwise `write` runs and its response is saved under the key. Run it
 * inside `writeInTenant` (a replay is no change: `replayed` says so).
 */
export async function idempotentWrite<R>(
  tx: TenantTx,
  key: { idempotencyKey: string | undefined; hash: () => string },
  write: () => Promise<R>,
): Promise<IdempotentOutcome<R>> {
  const { idempotencyKey } = key;
  if (!idempotencyKey) return { response: await write(), replayed: false };
  const hash = key.hash();
  const earlier = await claimIdempotencyKey(tx, idempotencyKey, hash);
  if (earlier) {
    if (earlier.requestHash !== hash) {
      throw new AppError('invalid', 'idempotency-key-reused', 'This Idempotency-Key was already used with a different body.', {
        errors: [{ pointer: '/headers/idempotency-key', message: 'was already used with a different body' }],
      });
    }
    return { response: earlier.response as R, replayed: true };
  }
  const response = await write();
  await saveIdempotentResponse(tx, idempotencyKey, 201, response);
  return { response, replayed: false };
}

/**
 * Writes several months all or nothing in one transaction the caller opened, oldest first: the bulk
 * importers (`npm run import`). An invalid month stops the run with its errors, its message and
 * `details.source` naming the month's source.
 */
export async function writeMonthsInOrder<S extends { source: string; document: { month: string } }, R>(
  months: ReadonlyArray<S>,
  write: (document: S['document'], sourced: S) => Promise<R>,
  onProgress?: (done: number, total: number, month: string) => void,
): Promise<R[]> {
  const ordered = [...months].sort((a, b) => a.document.month.localeCompare(b.document.month));
  const results: R[] = [];
  for (const [index, sourced] of ordered.entries()) {
    const { source, document } = sourced;
    try {
      results.push(await write(document, sourced));
    } catch (error) {
      if (error instanceof AppError && error.errors) {
        throw new AppError(error.kind, error.code, `${source} (${document.month}): ${error.message} Nothing imported.`, {
          errors: error.errors,
          details: { source },
        });
      }
      throw error;
    }
    onProgress?.(index + 1, ordered.length, document.month);
  }
  return results;
}
