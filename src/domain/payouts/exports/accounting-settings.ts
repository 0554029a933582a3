/**
 * Accounting settings as they are stored: every name trimmed, and none that a spreadsheet would
 * read as a formula. The journals neutralise such a cell with a leading quote (imports/csv.ts),
 * which would make the account name no longer match the chart of accounts: refused here instead,
 * when an admin can still fix it.
 */
import type { FieldError } from '../../field-error.js';
import { neutraliseCell } from '../../imports/csv.js';
import type { AccountingSettings } from '../../../schemas/settings.js';

type Checked = { value: AccountingSettings; errors: FieldError[] };

function checkedText(text: string, pointer: string, errors: FieldError[]): string {
  const trimmed = text.trim();
  if (trimmed === '') errors.push({ pointer, message: 'is blank' });
  else if (neutraliseCell(trimmed) !== trimmed) errors.push({ pointer, message: 'must not begin with =, +, -, @ (a spreadsheet would read it as a formula)' });
  return trimmed;
}

function checkedByRole<T extends Record<string, string | undefined>>(byRole: T, pointer: string, errors: FieldError[]): T {
  const out: Record<string, string> = {};
  for (const [role, name] of Object.entries(byRole)) {
    if (name !== undefined) out[role] = checkedText(name, `${pointer}/${role}`, errors);
  }
  return out as T;
}

export function checkAccountingSettings(input: AccountingSettings, pointer = '/accounting'): Checked {
  const errors: FieldError[] = [];
  const value: AccountingSettings = {};
  for (const key of ['expense_account', 'payable_account', 'expense_account_code', 'payable_account_code', 'tax_rate'] as const) {
    const text = input[key];
    if (text !== undefined) value[key] = checkedText(text, `${pointer}/${key}`, errors);
  }
  if (input.classes) value.classes = checkedByRole(input.classes, `${pointer}/classes`, errors);
  if (input.tracking) {
    value.tracking = {
      name: checkedText(input.tracking.name, `${pointer}/tracking/name`, errors),
      options: checkedByRole(input.tracking.options, `${pointer}/tracking/options`, errors),
    };
  }
  return { value, errors };
}
