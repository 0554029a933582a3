import type { Adjustment } from '../domain/closings/closing.js';
import type { MoneyText } from './closings.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';

/**
 * A month's adjustments (closing_adjustments, migration 0010): those its closings import brought
 * (source 'import', replaced by the next import) and those added one by one (source 'manual',
 * the payouts' adjustments routes), in that order.
 */
export interface AdjustmentRow extends Adjustment {
  id: string;
  source: 'import' | 'manual';
  created_at: Date;
  created_by: string | null;
}

export async function listAdjustments(tx: TenantTx, month: string): Promise<AdjustmentRow[]> {
  const result = await tx.query<Omit<AdjustmentRow, 'amount' | 'note'> & { amount: string; note: string | null }>(
    `SELECT id, source, payee, amount, reason, note, created_at, created_by FROM closing_adjustments
      WHERE tenant_id = $1 AND month = $2 ORDER BY source, position, created_at, id`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows.map(({ note, amount, ...row }) => ({ ...row, amount: Number(amount), ...(note === null ? {} : { note }) }));
}

export async function insertManualAdjustment(
  tx: TenantTx,
  month: string,
  adjustment: { payee: string; amount: MoneyText; reason: string; note: string | null },
  createdBy: string | null,
): Promise<string> {
  const result = await tx.query<{ id: string }>(
    `INSERT INTO closing_adjustments (tenant_id, month, source, position, payee, amount, reason, note, created_by)
     SELECT $1, $2::date, 'manual', coalesce(max(position) + 1, 0), $3, $4, $5, $6, $7
       FROM closing_adjustments WHERE tenant_id = $1 AND month = $2 AND source = 'manual'
     RETURNING id`,
    [tx.tenantId, monthDate(month), adjustment.payee, adjustment.amount, adjustment.reason, adjustment.note, createdBy],
  );
  return result.rows[0]!.id;
}

/** Which source the adjustment has, or undefined when the month has no such adjustment. */
export async function adjustmentSource(tx: TenantTx, month: string, id: string): Promise<'import' | 'manual' | undefined> {
  const result = await tx.query<{ source: 'import' | 'manual' }>('SELECT source FROM closing_adjustments WHERE tenant_id = $1 AND month = $2 AND id = $3', [
    tx.tenantId,
    monthDate(month),
    id,
  ]);
  return result.rows[0]?.source;
}

export async function deleteManualAdjustment(tx: TenantTx, month: string, id: string): Promise<boolean> {
  const result = await tx.query(`DELETE FROM closing_adjustments WHERE tenant_id = $1 AND month = $2 AND id = $3 AND source = 'manual'`, [
    tx.tenantId,
    monthDate(month),
    id,
  ]);
  return result.rowCount === 1;
}
