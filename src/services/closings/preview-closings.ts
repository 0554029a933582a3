import type { FieldError } from '../../domain/field-error.js';
import type { Closing } from '../../domain/closings/closing.js';
import { creditsOf } from '../../domain/closings/credits.js';
import { toAmount } from '../../domain/money.js';
import { inTenant, requireAdmin, type ServiceContext } from '../context.js';
import type { ClosingsInput } from './closings-input.js';
import { checkClosingsInput } from './import-closings.js';

/** Closings shown with their credits: enough for the user to recognise the sheet and check the mapping. */
export const PREVIEW_ROWS = 50;

export interface ClosingsPreview {
  month: string | null;
  valid: boolean;
  counts: { closings: number; sides: number; adjustments: number; closed: number; terminated: number };
  company_gp: number | null;
  company_transactions: number | null;
  rows: Array<{
    index: number;
    row: number | null;
    closing: unknown;
    credits: Array<{ person: string; kind: 'agent' | 'manager'; role: 'acq' | 'dispo'; gp: string }>;
  }>;
  warnings: string[];
  errors: FieldError[];
}

/**
 * What an import of the same input would do, without writing anything (admins: it is a step of
 * the import): the first rows with what each credits, the counts, company GP, and every warning
 * and error the import would give. Credits are shown only for a valid month; with errors the rows
 * are shown as given, so the user can see which cells went wrong.
 */
export async function previewClosings(ctx: ServiceContext, input: ClosingsInput): Promise<ClosingsPreview> {
  requireAdmin(ctx);
  const check = await inTenant(ctx, (tx) => checkClosingsInput(tx, input, ctx.clock()));
  const valid = check.errors.length === 0;
  const closings: unknown[] = Array.isArray(input.document?.closings) ? input.document.closings : [];
  const adjustments = Array.isArray(input.document?.adjustments) ? input.document.adjustments.length : 0;
  const shown = closings.slice(0, PREVIEW_ROWS);
  const credits = valid ? creditsOf(shown as Closing[]) : [];
  const sides = closings.reduce<number>((sum, closing) => {
    const list = (closing as { sides?: unknown } | null)?.sides;
    return sum + (Array.isArray(list) ? list.length : 0);
  }, 0);
  return {
    month: typeof input.document?.month === 'string' ? input.document.month : null,
    valid,
    counts: {
      closings: closings.length,
      sides,
      adjustments,
      closed: valid ? check.totals.closed : 0,
      terminated: valid ? check.totals.terminated : 0,
    },
    company_gp: valid ? toAmount(check.totals.gpCents) : null,
    company_transactions: valid ? check.totals.transactions : null,
    rows: shown.map((closing, index) => ({
      index,
      row: input.rowNumbers?.[index] ?? null,
      closing,
      credits: credits
        .filter((credit) => credit.closing === index)
        .map((credit) => ({ person: credit.person, kind: credit.kind, role: credit.role, gp: credit.gpCents.div(100).toFixed() })),
    })),
    warnings: check.warnings,
    errors: check.errors,
  };
}
