import type { Decimal } from 'decimal.js';
import { parseAmount, type Cents } from '../money.js';
import { Exact } from '../plans/exact.js';
import type { AttributeValue, Closing, SideRole } from './closing.js';

/**
 * Who a month's closings credit, and with what. Each side credits its agent with the deal's GP
 * times the side's `credit` (default 1) for that role, and its manager with the deal's whole GP as
 * team GP for the role (once per deal and role, however many sides of the role name them); a side
 * without an agent is the house and credits no agent. Company GP and
 * company transactions count each deal once, whatever its sides say. Terminated deals carry no
 * GP and no transactions (they did not close): they count only as terminations of their agents.
 *
 * Credited amounts are exact decimals of cents (a credit of 1/3 leaves a fraction of a cent), so
 * that pay computed on them is rounded once, at the end (CONTRACT.md). They are computed with the
 * pay engine's decimal configuration (../plans/exact.ts): the library's default 20 significant
 * digits would round a large GP times a 12-decimal credit.
 */

export type CreditKind = 'agent' | 'manager';

export interface Credit {
  person: string;
  kind: CreditKind;
  role: SideRole;
  /** Index of the closing in the month's list. */
  closing: number;
  /** GP credited, in cents, exact (agent: deal GP × credit; manager: deal GP). */
  gpCents: Decimal;
  /**
   * The same GP as a plain integer of cents when it is whole (every full credit, most split ones),
   * null when the credit leaves a fraction of a cent: sums of whole cents need no decimal library.
   */
  cents: Cents | null;
  /** The deal's transactions (0 for a memo row, 0 for a terminated deal). */
  transactions: number;
  terminated: boolean;
  attributes: Readonly<Record<string, AttributeValue>>;
}

export interface CompanyTotals {
  gpCents: Cents;
  transactions: number;
  /** Closed deals (rows with status closed, memo rows included). */
  closed: number;
  terminated: number;
}

const isTerminated = (closing: Closing) => closing.status === 'terminated';

function centsOf(amount: number): Cents {
  const cents = parseAmount(amount);
  // Closings are checked before anything computes with them; an unreadable amount here is a bug.
  if (cents === null) throw new Error(`unchecked amount ${amount}`);
  return cents;
}

/** A side's credit as an exact decimal (validated to lie in 0..1 before). */
function creditFraction(credit: number | string | undefined): Decimal {
  return credit === undefined ? new Exact(1) : new Exact(credit);
}

/** Company GP and transactions: each closed deal once. */
export function companyTotals(closings: readonly Closing[]): CompanyTotals {
  let gpCents = 0;
  let transactions = 0;
  let closed = 0;
  let terminated = 0;
  for (const closing of closings) {
    if (isTerminated(closing)) {
      terminated += 1;
      continue;
    }
    closed += 1;
    gpCents += centsOf(closing.gp);
    transactions += closing.transactions ?? 1;
  }
  return { gpCents, transactions, closed, terminated };
}

/** Whether a side before `at` already credits `manager` with this role's team GP. */
function managedEarlier(sides: readonly Closing['sides'][number][], at: number, role: SideRole, manager: string): boolean {
  for (let i = 0; i < at; i += 1) if (sides[i]!.role === role && sides[i]!.manager === manager) return true;
  return false;
}

/** Every credit the closings give, in closing order, agent before manager on each side. */
export function creditsOf(closings: readonly Closing[]): Credit[] {
  const credits: Credit[] = [];
  closings.forEach((closing, index) => {
    const terminated = isTerminated(closing);
    const cents = terminated ? 0 : centsOf(closing.gp);
    const gp = new Exact(cents);
    const transactions = terminated ? 0 : (closing.transactions ?? 1);
    const attributes = closing.attributes ?? {};
    const sides = closing.sides;
    for (let at = 0; at < sides.length; at += 1) {
      const side = sides[at]!;
      // Literal objects, not spreads of a shared base: a month has tens of thousands of credits;
      // decimals are immutable, so a full credit shares the deal's GP instead of multiplying by one.
      const role = side.role;
      const credited = side.credit === undefined ? gp : gp.mul(creditFraction(side.credit));
      const creditedCents = side.credit === undefined ? cents : credited.isInteger() ? credited.toNumber() : null;
      if (side.agent) credits.push({ person: side.agent, kind: 'agent', role, closing: index, gpCents: credited, cents: creditedCents, transactions, terminated, attributes });
      // A split role (two acq sides) under one manager is still one deal of that manager's team:
      // the manager is credited on the first of those sides (a deal has a handful of sides).
      const manager = side.manager;
      if (manager && !managedEarlier(sides, at, role, manager)) {
        credits.push({ person: manager, kind: 'manager', role, closing: index, gpCents: gp, cents, transactions, terminated, attributes });
      }
    }
  });
  return credits;
}

export interface PersonTotals {
  person: string;
  kind: CreditKind;
  role: SideRole;
  gpCents: Decimal;
  transactions: number;
  /** Sides credited (closed and terminated). */
  deals: number;
  terminations: number;
}

/** Credits summed per person, kind and role, in first-seen order. */
export function totalsByPerson(credits: readonly Credit[]): PersonTotals[] {
  const totals = new Map<string, PersonTotals>();
  for (const credit of credits) {
    const key = `${credit.kind}\u0000${credit.role}\u0000${credit.person}`;
    let entry = totals.get(key);
    if (!entry) {
      entry = { person: credit.person, kind: credit.kind, role: credit.role, gpCents: new Exact(0), transactions: 0, deals: 0, terminations: 0 };
      totals.set(key, entry);
    }
    entry.gpCents = entry.gpCents.add(credit.gpCents);
    entry.transactions += credit.transactions;
    entry.deals += 1;
    if (credit.terminated) entry.terminations += 1;
  }
  return [...totals.values()];
}
