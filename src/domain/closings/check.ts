/**
 * The semantic checks of a closings month (CONTRACT.md, "Closings and payouts"): what the JSON
 * schema cannot say, and the same again for documents that did not come through it (the CLI, a
 * spreadsheet reader). Every invalid value is reported at once as `{pointer, message}`; warnings
 * go with a successful import, as the payee import's do, because real books are messy.
 *
 * Decisions (documented here, since the contract leaves them open):
 * - a role may have several sides (a credit split: two acq agents at 0.5 each), but the credits
 *   of one role's sides add up to at most 1, so a duplicated row never credits a deal twice; the
 *   same agent twice in one role is an error, and a manager named on several sides of one role
 *   gets that deal's team GP once (credits.ts);
 * - a closing's `id`, when given, is unique in the month (a row without one is known by position);
 * - an adjustment's amount is non-zero (a zero adjustment says nothing and clutters statements).
 */
import { Decimal } from 'decimal.js';
import type { FieldError } from '../field-error.js';
import { isValidDate, isValidMonth, nameKey } from '../imports/check.js';
import { MAX_AMOUNT, formatAmount, parseAmount } from '../money.js';
import { ADJUSTMENT_REASONS, SIDE_ROLES, type ClosingsMonth } from './closing.js';
import { companyTotals, type CompanyTotals } from './credits.js';

export interface ClosingsCheckOptions {
  /** "Now" for the future-month warning, read in UTC. */
  today: Date;
  /** Names (any case) of the people the tenant already knows; without it, no "new agent" warning. */
  knownPeople?: Iterable<string>;
  /** The source row of each closing (a spreadsheet's line number), named in messages. */
  rowNumbers?: readonly number[];
}

export interface ClosingsCheck {
  errors: FieldError[];
  warnings: string[];
  /** Company totals; meaningful only when there are no errors. */
  totals: CompanyTotals;
}

/** The bounds the schema also states, for documents that bypass it. */
export const CLOSINGS_LIMITS = {
  closings: 50_000,
  sides: 8,
  adjustments: 5_000,
  attributes: 50,
  name: 200,
  text: 500,
  id: 100,
  transactions: 1_000_000,
} as const;

/** Warnings of one kind beyond this are summarised: a 10,000-row month of house deals is one message, not 10,000. */
export const WARNINGS_PER_KIND = 20;

const AMOUNT_MESSAGE = `must be an amount with at most 2 decimals and below ${MAX_AMOUNT} in magnitude`;
const CREDIT_TEXT = /^(?:0(?:\.\d{1,12})?|1(?:\.0{1,12})?|\.\d{1,12})$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isName = (value: unknown, max: number = CLOSINGS_LIMITS.name): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= max;

function utcMonth(date: Date): string {
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A side's credit, exact, or null unless it is a fraction in 0..1 with at most 12 decimals. */
export function parseCredit(value: unknown): Decimal | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > 1) return null;
    // A JSON number's shortest round-trip text (1e-12 included) is the decimal meant.
    const decimal = new Decimal(value);
    return decimal.decimalPlaces() <= 12 ? decimal : null;
  }
  if (typeof value === 'string') return CREDIT_TEXT.test(value.trim()) ? new Decimal(value.trim()) : null;
  return null;
}

/** The address as compared for duplicates: case, spacing and punctuation do not make two houses. */
function addressKey(property: string): string {
  return property.normalize('NFC').toLowerCase().replace(/[.,#]/g, ' ').replace(/\s+/g, ' ').trim();
}

class Warnings {
  private readonly byKind = new Map<string, { shown: string[]; more: number }>();
  private readonly order: string[] = [];

  add(kind: string, message: string): void {
    let entry = this.byKind.get(kind);
    if (!entry) {
      entry = { shown: [], more: 0 };
      this.byKind.set(kind, entry);
      this.order.push(kind);
    }
    if (entry.shown.length < WARNINGS_PER_KIND) entry.shown.push(message);
    else entry.more += 1;
  }

  list(): string[] {
    return this.order.flatMap((kind) => {
      const entry = this.byKind.get(kind)!;
      return entry.more > 0 ? [...entry.shown, `... and ${entry.more} more like it (${kind})`] : entry.shown;
    });
  }
}

/** Every invalid value of one adjustment `{payee, amount, reason, note?}` at `at` (anything: it is checked, not trusted). */
export function adjustmentErrors(adjustment: unknown, at: string): FieldError[] {
  if (!isRecord(adjustment)) return [{ pointer: at, message: 'must be an object {payee, amount, reason, note?}' }];
  const errors: FieldError[] = [];
  const error = (pointer: string, message: string) => errors.push({ pointer, message });
  for (const key of Object.keys(adjustment)) {
    if (!['payee', 'amount', 'reason', 'note'].includes(key)) error(`${at}/${key}`, 'is not a field of an adjustment');
  }
  if (!isName(adjustment.payee)) error(`${at}/payee`, `must be a non-blank name of at most ${CLOSINGS_LIMITS.name} characters`);
  const amount = typeof adjustment.amount === 'number' ? parseAmount(adjustment.amount) : null;
  if (amount === null) error(`${at}/amount`, adjustment.amount === undefined ? 'is required' : AMOUNT_MESSAGE);
  else if (amount === 0) error(`${at}/amount`, 'must not be 0 (negative amounts are allowed)');
  if (!ADJUSTMENT_REASONS.includes(adjustment.reason as never)) error(`${at}/reason`, `must be one of ${ADJUSTMENT_REASONS.join(', ')}`);
  if (adjustment.note !== undefined && (typeof adjustment.note !== 'string' || adjustment.note.length > CLOSINGS_LIMITS.text)) {
    error(`${at}/note`, `must be a text of at most ${CLOSINGS_LIMITS.text} characters`);
  }
  return errors;
}

/** Checks a closings month; `document` may be anything (it is checked, not trusted). */
export function checkClosingsMonth(document: ClosingsMonth, options: ClosingsCheckOptions): ClosingsCheck {
  const errors: FieldError[] = [];
  const warnings = new Warnings();
  const rowOf = (index: number) => {
    const row = options.rowNumbers?.[index];
    return row === undefined ? '' : ` (row ${row})`;
  };
  const error = (pointer: string, message: string, index?: number) =>
    errors.push({ pointer, message: index === undefined ? message : `${message}${rowOf(index)}` });

  const input = document as unknown;
  if (!isRecord(input)) {
    return { errors: [{ pointer: '', message: 'must be an object {month, closings, adjustments?}' }], warnings: [], totals: emptyTotals() };
  }
  for (const key of Object.keys(input)) {
    if (!['month', 'closings', 'adjustments'].includes(key)) error(`/${key}`, 'is not a field of a closings month');
  }
  const month = typeof input.month === 'string' && isValidMonth(input.month) ? input.month : null;
  if (month === null) error('/month', 'must be a month written YYYY-MM');

  const closings = input.closings;
  if (!Array.isArray(closings)) error('/closings', 'must be an array of closings');
  else if (closings.length > CLOSINGS_LIMITS.closings) error('/closings', `must hold at most ${CLOSINGS_LIMITS.closings} closings`);

  const known = options.knownPeople ? new Set([...options.knownPeople].map(nameKey)) : null;
  const newPeople = new Map<string, string>();
  const ids = new Map<string, number>();
  const addresses = new Map<string, { index: number; gp: number }>();

  if (Array.isArray(closings) && closings.length <= CLOSINGS_LIMITS.closings) {
    closings.forEach((closing: unknown, index) => {
      const at = `/closings/${index}`;
      if (!isRecord(closing)) {
        error(at, 'must be an object', index);
        return;
      }
      const label = `Closing ${index + 1}${typeof closing.id === 'string' ? ` (${closing.id})` : ''}${rowOf(index)}`;
      for (const key of Object.keys(closing)) {
        if (!['id', 'date', 'property', 'market', 'gp', 'assignment_fee', 'transactions', 'status', 'attributes', 'sides'].includes(key)) {
          error(`${at}/${key}`, 'is not a field of a closing', index);
        }
      }
      if (closing.id !== undefined) {
        if (!isName(closing.id, CLOSINGS_LIMITS.id)) error(`${at}/id`, `must be a non-blank text of at most ${CLOSINGS_LIMITS.id} characters`, index);
        else {
          const earlier = ids.get(closing.id);
          if (earlier !== undefined) error(`${at}/id`, `repeats the id of /closings/${earlier}`, index);
          else ids.set(closing.id, index);
        }
      }
      if (closing.date !== undefined) {
        if (typeof closing.date !== 'string' || !isValidDate(closing.date)) error(`${at}/date`, 'must be a date written YYYY-MM-DD', index);
        else if (month !== null && !closing.date.startsWith(`${month}-`)) error(`${at}/date`, `is not in ${month}`, index);
      }
      for (const field of ['property', 'market'] as const) {
        if (closing[field] !== undefined && !isName(closing[field], CLOSINGS_LIMITS.text)) {
          error(`${at}/${field}`, `must be a non-blank text of at most ${CLOSINGS_LIMITS.text} characters`, index);
        }
      }
      const gp = typeof closing.gp === 'number' ? parseAmount(closing.gp) : null;
      if (gp === null) error(`${at}/gp`, closing.gp === undefined ? 'is required' : AMOUNT_MESSAGE, index);
      let fee: number | null = null;
      if (closing.assignment_fee !== undefined) {
        fee = typeof closing.assignment_fee === 'number' ? parseAmount(closing.assignment_fee) : null;
        if (fee === null) error(`${at}/assignment_fee`, AMOUNT_MESSAGE, index);
      }
      if (closing.transactions !== undefined) {
        const { transactions } = closing;
        if (typeof transactions !== 'number' || !Number.isInteger(transactions) || transactions < 0 || transactions > CLOSINGS_LIMITS.transactions) {
          error(`${at}/transactions`, `must be a whole number from 0 to ${CLOSINGS_LIMITS.transactions}`, index);
        }
      }
      if (closing.status !== undefined && closing.status !== 'closed' && closing.status !== 'terminated') {
        error(`${at}/status`, 'must be closed or terminated', index);
      }
      if (closing.attributes !== undefined) {
        if (!isRecord(closing.attributes)) error(`${at}/attributes`, 'must be an object of booleans, texts and numbers', index);
        else {
          const entries = Object.entries(closing.attributes);
          if (entries.length > CLOSINGS_LIMITS.attributes) error(`${at}/attributes`, `must have at most ${CLOSINGS_LIMITS.attributes} attributes`, index);
          for (const [key, value] of entries) {
            const pointer = `${at}/attributes/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
            if (key.trim() === '' || key.length > 100) error(pointer, 'an attribute name must be a non-blank text of at most 100 characters', index);
            const ok =
              typeof value === 'boolean' ||
              (typeof value === 'number' && Number.isFinite(value)) ||
              (typeof value === 'string' && value.length <= CLOSINGS_LIMITS.text);
            if (!ok) error(pointer, `must be a boolean, a finite number or a text of at most ${CLOSINGS_LIMITS.text} characters`, index);
          }
        }
      }

      if (!Array.isArray(closing.sides)) {
        error(`${at}/sides`, 'must be an array of sides (an empty one for a house deal)', index);
      } else if (closing.sides.length > CLOSINGS_LIMITS.sides) {
        error(`${at}/sides`, `must have at most ${CLOSINGS_LIMITS.sides} sides`, index);
      } else {
        const creditOfRole = new Map<string, Decimal>();
        const agentsOfRole = new Set<string>();
        if (closing.sides.length === 0) warnings.add('deals with no sides', `${label} has no sides: the house's deal`);
        closing.sides.forEach((side: unknown, sideIndex) => {
          const sideAt = `${at}/sides/${sideIndex}`;
          if (!isRecord(side)) {
            error(sideAt, 'must be an object {role, agent, manager?, credit?}', index);
            return;
          }
          for (const key of Object.keys(side)) {
            if (!['role', 'agent', 'manager', 'credit'].includes(key)) error(`${sideAt}/${key}`, 'is not a field of a side', index);
          }
          const role = SIDE_ROLES.includes(side.role as never) ? (side.role as string) : null;
          if (role === null) error(`${sideAt}/role`, 'must be acq or dispo', index);
          for (const field of ['agent', 'manager'] as const) {
            const value = side[field];
            if (field === 'agent' && value === undefined) error(`${sideAt}/agent`, 'is required (null for the house)', index);
            else if (value !== undefined && value !== null && !isName(value)) {
              error(`${sideAt}/${field}`, `must be a non-blank name of at most ${CLOSINGS_LIMITS.name} characters, or null`, index);
            } else if (typeof value === 'string' && known && !known.has(nameKey(value))) {
              newPeople.set(nameKey(value), value.trim());
            }
          }
          const credit = side.credit === undefined ? new Decimal(1) : parseCredit(side.credit);
          if (credit === null) {
            error(`${sideAt}/credit`, 'must be a fraction from 0 to 1 (at most 12 decimals), as a number or a decimal text', index);
          } else if (role !== null && typeof side.agent === 'string') {
            const agentKey = `${role}\u0000${nameKey(side.agent)}`;
            if (agentsOfRole.has(agentKey)) error(`${sideAt}/agent`, `is already an agent of this closing's ${role} side`, index);
            agentsOfRole.add(agentKey);
            const total = (creditOfRole.get(role) ?? new Decimal(0)).add(credit);
            creditOfRole.set(role, total);
            if (total.gt(1)) {
              error(`${sideAt}/credit`, `brings the ${role} sides' credits to ${total.toString()}: together they may credit at most 1 (give each side of a split its credit)`, index);
            }
          }
          if (side.agent === null && SIDE_ROLES.includes(side.role as never)) {
            warnings.add('sides with no agent', `${label}: the ${String(side.role)} side has no agent (the house's)`);
          }
        });
      }

      if (gp !== null && fee !== null && gp > fee) {
        warnings.add('GP above assignment fee', `${label}: GP ${formatAmount(gp)} is above its assignment fee ${formatAmount(fee)}`);
      }
      if (gp !== null && typeof closing.property === 'string' && closing.property.trim() !== '') {
        const key = addressKey(closing.property);
        const earlier = addresses.get(key);
        if (earlier && earlier.gp !== gp) {
          warnings.add(
            'duplicate addresses',
            `${label}: '${closing.property.trim()}' is also closing ${earlier.index + 1}${rowOf(earlier.index)}, with GP ${formatAmount(earlier.gp)} instead of ${formatAmount(gp)}`,
          );
        } else if (!earlier) addresses.set(key, { index, gp });
      }
    });
  }

  const adjustments = input.adjustments;
  if (adjustments !== undefined) {
    if (!Array.isArray(adjustments)) error('/adjustments', 'must be an array of adjustments');
    else if (adjustments.length > CLOSINGS_LIMITS.adjustments) error('/adjustments', `must hold at most ${CLOSINGS_LIMITS.adjustments} adjustments`);
    else {
      adjustments.forEach((adjustment: unknown, index) => {
        const at = `/adjustments/${index}`;
        errors.push(...adjustmentErrors(adjustment, at));
      });
    }
  }

  if (errors.length > 0) return { errors, warnings: warnings.list(), totals: emptyTotals() };

  const checked = document;
  const totals = companyTotals(checked.closings);
  if (Math.abs(totals.gpCents) >= MAX_AMOUNT * 100) {
    return { errors: [{ pointer: '/closings', message: `company GP adds up to ${MAX_AMOUNT} or more in magnitude` }], warnings: warnings.list(), totals: emptyTotals() };
  }
  if (checked.closings.length === 0) warnings.add('empty month', `The month ${checked.month} has no closings`);
  if (checked.month > utcMonth(options.today)) warnings.add('future month', `The month ${checked.month} is in the future`);
  for (const name of newPeople.values()) warnings.add('new people', `'${name}' has not been seen before in this organisation`);
  return { errors, warnings: warnings.list(), totals };
}

function emptyTotals(): CompanyTotals {
  return { gpCents: 0, transactions: 0, closed: 0, terminated: 0 };
}
