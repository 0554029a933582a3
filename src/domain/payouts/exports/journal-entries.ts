/**
 * A month's payouts as one balanced journal, before any accounting product's file layout
 * (quickbooks-journal.ts, xero-journal.ts write it out). Amounts are integer cents, positive, each
 * on a debit or a credit side; debits equal credits to the cent by construction (and checked).
 *
 * The entry (CONTRACT.md "Payouts"; issue 16):
 * - a person paid (statement total > 0): debit the expense account by their total, the person as
 *   Name, class/tracking from their primary role;
 * - a person whose statement is negative (a clawback larger than the month's pay): the reverse of
 *   what was expensed, so credit the expense account by the amount and debit the payable account
 *   by the same amount, both with the person as Name: the person now owes it back, and the payable
 *   account carries that against their name until it is recovered. A negative person never lowers
 *   what the others are paid;
 * - one credit to the payable account: the sum of the positive totals (what is to be paid);
 * - a person whose total is exactly 0 has no line.
 *
 * Statements are taken in payee order (by code point, not locale) so the same payout gives the same
 * bytes whatever order storage returned them in. A draft month says DRAFT in every description and
 * in the narration, and carries another journal number than the approved month.
 */
import { AppError } from '../../app-error.js';
import type { FieldError } from '../../field-error.js';
import { formatAmount, parseAmount, type Cents } from '../../money.js';
import type { AccountingSettings, JournalRole } from '../../../schemas/settings.js';
import type { Payout, PayoutStatement } from '../calculate-payouts.js';

export type MonthState = 'draft' | 'approved';

export interface JournalLine {
  account: 'expense' | 'payable';
  side: 'debit' | 'credit';
  /** Positive integer cents. */
  cents: Cents;
  /** The person the line is about; null on the one payable credit. */
  payee: string | null;
  /** The person's primary role (for class/tracking); null on the payable credit. */
  role: JournalRole | null;
  description: string;
}

export interface Journal {
  /** QuickBooks Journal No. (at most 21 characters): COMM-2025-09, DRAFT-COMM-2025-09. */
  number: string;
  /** The last day of the month, YYYY-MM-DD: commission is accrued in the month it was earned. */
  date: string;
  narration: string;
  lines: JournalLine[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Statements in payee order (code points), so output never depends on storage order. */
export function inPayeeOrder(statements: readonly PayoutStatement[]): PayoutStatement[] {
  return [...statements].sort((a, b) => compare(a.payee, b.payee));
}

/**
 * The role a person's class or tracking option is chosen by: manager when they manage any side this
 * month (a team lead's override pay is what sets them apart), else their first role, else "other"
 * (a person paid only adjustments).
 */
function primaryRole(statement: PayoutStatement): JournalRole {
  if (statement.roles.includes('manager')) return 'manager';
  const first = statement.roles.find((role): role is 'acq' | 'dispo' => role === 'acq' || role === 'dispo');
  return first ?? 'other';
}

/** A statement total (a number rounded to the cent) as cents; anything else is a broken payout. */
export function statementCents(statement: PayoutStatement): Cents {
  const cents = parseAmount(statement.total);
  if (cents === null) throw new Error(`The statement of ${statement.payee} has a total that is not whole cents: ${statement.total}`);
  return cents;
}

/** YYYY-MM-DD of the month's last day. */
export function lastDayOf(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const day = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, '0')}`;
}

const draftPrefix = (state: MonthState) => (state === 'draft' ? 'DRAFT (not approved) - ' : '');

export function buildJournal(payout: Pick<Payout, 'month' | 'statements'>, state: MonthState): Journal {
  const prefix = draftPrefix(state);
  const month = payout.month;
  const lines: JournalLine[] = [];
  let payable = 0;
  let paid = 0;
  for (const statement of inPayeeOrder(payout.statements)) {
    const cents = statementCents(statement);
    if (cents === 0) continue;
    const role = primaryRole(statement);
    const payee = statement.payee;
    if (cents > 0) {
      lines.push({ account: 'expense', side: 'debit', cents, payee, role, description: `${prefix}Commission ${month} ${payee}` });
      payable += cents;
      paid += 1;
    } else {
      const description = `${prefix}Commission clawback ${month} ${payee} (owed back)`;
      lines.push({ account: 'expense', side: 'credit', cents: -cents, payee, role, description });
      lines.push({ account: 'payable', side: 'debit', cents: -cents, payee, role, description });
    }
  }
  if (payable > 0) {
    lines.push({ account: 'payable', side: 'credit', cents: payable, payee: null, role: null, description: `${prefix}Commissions payable ${month} (${paid} ${paid === 1 ? 'person' : 'people'})` });
  }
  assertBalanced(lines);
  return {
    number: `${state === 'draft' ? 'DRAFT-' : ''}COMM-${month}`,
    date: lastDayOf(month),
    narration: `${prefix}Commissions ${month}`,
    lines,
  };
}

function assertBalanced(lines: readonly JournalLine[]): void {
  let debits = 0;
  let credits = 0;
  for (const line of lines) {
    if (!Number.isSafeInteger(line.cents) || line.cents <= 0) throw new Error(`A journal line of ${line.cents} cents`);
    if (line.side === 'debit') debits += line.cents;
    else credits += line.cents;
  }
  if (!Number.isSafeInteger(debits) || debits !== credits) throw new Error(`The journal does not balance: debits ${debits}, credits ${credits} cents`);
}

/** Cents as an accountant's plain number: 1234.50, never separators or exponents. */
export const amountText = (cents: Cents) => formatAmount(cents);

type RequiredSetting = 'expense_account' | 'payable_account' | 'expense_account_code' | 'payable_account_code' | 'tax_rate';

/**
 * The settings a format needs, or a 422 naming every one that is missing (all at once, so one
 * PUT /settings fixes them).
 */
export function requireSettings<K extends RequiredSetting>(
  settings: AccountingSettings | null | undefined,
  keys: readonly K[],
  format: string,
): Required<Pick<AccountingSettings, K>> {
  const missing = keys.filter((key) => settings?.[key] === undefined || settings[key].trim() === '');
  if (missing.length > 0) {
    const errors: FieldError[] = missing.map((key) => ({ pointer: `/accounting/${key}`, message: 'is not set (PUT /api/v1/settings {"accounting": {...}})' }));
    throw new AppError(
      'invalid',
      'accounting-settings-missing',
      `The ${format} export needs the accounting setting${missing.length === 1 ? '' : 's'} ${missing.join(', ')}: set ${missing.length === 1 ? 'it' : 'them'} with PUT /api/v1/settings.`,
      { errors, details: { missing: missing.map((key) => `accounting.${key}`) } },
    );
  }
  return settings as Required<Pick<AccountingSettings, K>>;
}
