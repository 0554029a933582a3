/**
 * A month's payouts from its closings (CONTRACT.md, "Payouts"): every plan in force, every
 * adjustment, one statement per person, each total rounded half-up once from exact line amounts,
 * the month's total the sum of the statements. Pure: no I/O, the same input gives the same payout.
 *
 * Which plans pay a person (decided here, tested in test/unit/payouts-rules.test.ts, "which plans pay a person"):
 * - A plan that names the person in `agents` pays them, with or without closings this month.
 * - A plan without `agents` pays everyone who holds one of its `applies_to` roles in the month's
 *   closings (agent on an acq or dispo side, or manager of a side), except the names in `exclude`.
 * - A plan naming the person replaces, for them, every plan without `agents` that shares one of its
 *   roles (a team lead's own plan replaces the rep plan); plans for different roles add up (an
 *   acq and a dispo agent is paid by both role plans), as do several plans that each name them.
 * - Two plans without `agents` sharing a role for the same person is an error (409 plans-overlap):
 *   nothing says whether they add up, and a person must never be paid twice by accident.
 * People with closings whom no plan pays (and no plan deliberately excludes) are listed in
 * `uncovered`; they get no statement unless they have adjustments.
 *
 * Quarter and year bases pay each month R(to date) − R(paid before): the plan's lines on the period
 * to date, less what earlier months paid the person under that plan (`paid_before`, cents), plus
 * a period-rounding line, so the plan's lines of a month add up to whole cents and the period is
 * rounded once. Draw balances are carried in cents (`draw_balances` in, `draw_balances` out).
 */
import { AppError } from '../app-error.js';
import type { Adjustment, Closing } from '../closings/closing.js';
import { toAmount, type Cents } from '../money.js';
import type { PayeeType, PlanDefinition } from '../plans/definition.js';
import { Exact, exactText, formatMoney, roundToCents } from '../plans/exact.js';
import { periodOf } from '../plans/measures.js';
import { compileExactPlan, type ExactPlan } from './exact-plan.js';
import { planLines, type PlanLine } from './plan-lines.js';
import { monthCredits, personWindow, type Goals, type MonthCredits } from './window.js';

export interface PlanInForce {
  id: string;
  name: string;
  version: number;
  effective_from: string;
  definition: PlanDefinition;
}

/** An earlier month of the same year, for quarter and year bases. */
export interface EarlierMonth {
  month: string;
  closings: Closing[];
  goals?: Goals | null;
}

/** What earlier months of the plan's period paid a person under a plan, in currency (whole cents). */
export interface PaidBefore {
  payee: string;
  plan_id: string;
  amount: number;
}

export interface DrawBalance {
  payee: string;
  plan_id: string;
  /** Currency still owed against the draw (whole cents). */
  balance: number;
}

export interface PayoutInput {
  month: string;
  closings: Closing[];
  adjustments?: Adjustment[];
  goals?: Goals | null;
  plans: PlanInForce[];
  earlier?: EarlierMonth[];
  paid_before?: PaidBefore[];
  draw_balances?: DrawBalance[];
}

export interface PayoutLine {
  /** The plan's name; null for an adjustment. */
  plan: string | null;
  plan_id: string | null;
  plan_version: number | null;
  component: string;
  label: string;
  /** What the line is computed on, in words and figures ("flat_fee=true GP 31,569.00 ..."). */
  base: string;
  /** The rate as exact decimal text (an amount per unit on counts); null when none applies. */
  rate: string | null;
  /** "2 of 4 (from 25,000.00 to 50,000.99)", with ", overridden: <reason>" when forced. */
  bracket: string | null;
  /** Exact amount in currency, decimal text ("1052.2999999"); the statement total is their sum, rounded. */
  amount: string;
  reason?: string;
}

export interface PayoutStatement {
  payee: string;
  roles: string[];
  total: number;
  lines: PayoutLine[];
  warnings: string[];
}

export interface Payout {
  month: string;
  company_gp: number;
  company_transactions: number;
  total: number;
  /** Statement totals by the person's primary role (manager, acq, dispo, or "other"); adds up to total. */
  by_role: Record<string, number>;
  statements: PayoutStatement[];
  uncovered: string[];
  /** Per person and quarter/year plan: what this month paid, for the next month's paid_before. */
  paid: PaidBefore[];
  /** Draw balances after this month, for the next month's draw_balances. */
  draw_balances: DrawBalance[];
}

interface Compiled {
  source: PlanInForce;
  plan: ExactPlan;
}

type Role = 'acq' | 'dispo' | 'manager';
const ROLE_ORDER: readonly Role[] = ['acq', 'dispo', 'manager'];

/** Roles each person holds in the month's closings, in first-seen person order. */
function rolesHeld(month: MonthCredits): Map<string, Set<Role>> {
  const roles = new Map<string, Set<Role>>();
  for (const credit of month.credits) {
    const held = roles.get(credit.person) ?? new Set<Role>();
    held.add(credit.kind === 'manager' ? 'manager' : credit.role);
    roles.set(credit.person, held);
  }
  return roles;
}

const sharesRole = (a: readonly PayeeType[], b: readonly PayeeType[]) => a.some((role) => b.includes(role));

/** The plans that pay `person` (see the rules above), or null when none does. */
function plansFor(person: string, held: ReadonlySet<Role>, plans: readonly Compiled[]): Compiled[] {
  const named = plans.filter(({ plan }) => plan.agents?.has(person) === true && !plan.exclude.has(person));
  const byRole = plans.filter(
    ({ plan }) =>
      plan.agents === null &&
      !plan.exclude.has(person) &&
      plan.appliesTo.some((role) => held.has(role)) &&
      !named.some((other) => sharesRole(other.plan.appliesTo, plan.appliesTo)),
  );
  for (let i = 0; i < byRole.length; i += 1) {
    for (let j = i + 1; j < byRole.length; j += 1) {
      const a = byRole[i];
      const b = byRole[j];
      if (!a || !b) continue;
      const shared = a.plan.appliesTo.filter((role) => b.plan.appliesTo.includes(role) && held.has(role));
      if (shared.length > 0) {
        throw new AppError(
          'conflict',
          'plans-overlap',
          `Plans '${a.source.name}' and '${b.source.name}' both pay ${person} as ${shared.join(', ')}: name ${person} in one plan's agents (it then replaces the other for them) or exclude them from one`,
          { details: { payee: person, plans: [a.source.id, b.source.id], roles: shared } },
        );
      }
    }
  }
  return [...named, ...byRole];
}

function forcedBracket(plan: ExactPlan, person: string, month: string) {
  const entry = plan.tierOverrides.find((candidate) => candidate.payee === person && candidate.from <= month && month <= candidate.to);
  return entry ? { index: entry.index, reason: entry.reason } : null;
}

function periodMonths(all: readonly MonthCredits[], month: string, basis: ExactPlan['basis']): MonthCredits[] {
  if (basis !== 'quarter' && basis !== 'year') return all.filter((entry) => entry.month === month);
  const period = periodOf(month, basis);
  return all.filter((entry) => entry.month <= month && periodOf(entry.month, basis) === period);
}

function sum(lines: readonly { amount: Exact }[]): Exact {
  return lines.reduce((total, line) => total.add(line.amount), new Exact(0));
}

function keyOf(payee: string, planId: string): string {
  return `${planId}\u0000${payee}`;
}

/**
 * What a caller computing many months (the simulation, ./simulate-payouts.ts) can give so that
 * nothing is read twice: each month's credits read once, each plan compiled once. Both must be
 * pure functions of their arguments (caches); without them every call reads and compiles afresh.
 */
export interface PayoutPreparation {
  monthCredits?: (month: string, closings: readonly Closing[], goals: Goals | null) => MonthCredits;
  compile?: (plan: PlanInForce) => ExactPlan;
}

export function calculatePayouts(input: PayoutInput, prepared: PayoutPreparation = {}): Payout {
  const read = prepared.monthCredits ?? monthCredits;
  const compile = prepared.compile ?? ((source: PlanInForce) => compileExactPlan(source.definition));
  const current = read(input.month, input.closings, input.goals ?? null);
  const year = input.month.slice(0, 4);
  const plans: Compiled[] = input.plans.map((source) => ({ source, plan: compile(source) }));
  // Earlier months matter only to quarter and year windows: read none when every plan is monthly.
  const anyPeriodic = plans.some(({ plan }) => plan.basis === 'quarter' || plan.basis === 'year');
  const months = [
    ...(anyPeriodic ? (input.earlier ?? []) : [])
      .filter((entry) => entry.month < input.month && entry.month.startsWith(year))
      .map((entry) => read(entry.month, entry.closings, entry.goals ?? null)),
    current,
  ].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  const paidBefore = new Map((input.paid_before ?? []).map((entry) => [keyOf(entry.payee, entry.plan_id), new Exact(entry.amount)]));
  const balances = new Map((input.draw_balances ?? []).map((entry) => [keyOf(entry.payee, entry.plan_id), new Exact(entry.balance)]));

  const held = rolesHeld(current);
  // In first-seen order: people in the closings, then named payees, then people with adjustments only.
  const people = new Set<string>(held.keys());
  for (const { plan } of plans) for (const name of plan.agents ?? []) people.add(name);
  const adjustmentsOf = new Map<string, Adjustment[]>();
  for (const adjustment of input.adjustments ?? []) {
    people.add(adjustment.payee);
    adjustmentsOf.set(adjustment.payee, [...(adjustmentsOf.get(adjustment.payee) ?? []), adjustment]);
  }

  const statements: PayoutStatement[] = [];
  const uncovered: string[] = [];
  const paid: PaidBefore[] = [];
  const drawOut: DrawBalance[] = [];
  const byRole: Record<string, number> = {};
  let total = 0;

  for (const person of people) {
    const roles = held.get(person) ?? new Set<Role>();
    const covering = plansFor(person, roles, plans);
    const adjustments = adjustmentsOf.get(person) ?? [];
    if (covering.length === 0) {
      const excluded = plans.some(({ plan }) => plan.exclude.has(person) && plan.appliesTo.some((role) => roles.has(role)));
      if (roles.size > 0 && !excluded) uncovered.push(person);
      if (adjustments.length === 0) continue;
    }
    const lines: (PlanLine & { source: PlanInForce | null })[] = [];
    const warnings: string[] = [];
    for (const { source, plan } of covering) {
      const periodic = plan.basis === 'quarter' || plan.basis === 'year';
      const window = personWindow(person, periodMonths(months, input.month, plan.basis), plan.appliesTo);
      const span = plan.basis === 'quarter' ? 'QTD ' : plan.basis === 'year' ? 'YTD ' : '';
      const own = planLines(plan, window, { month: input.month, span, forced: forcedBracket(plan, person, input.month), warnings });
      if (periodic) {
        const period = periodOf(input.month, plan.basis === 'year' ? 'year' : 'quarter');
        const toDate = sum(own);
        const rounded = new Exact(roundToCents(toDate)).div(100);
        const before = paidBefore.get(keyOf(person, source.id)) ?? new Exact(0);
        const fields = { rate: null, bracket: null, team: false };
        if (!rounded.eq(toDate)) {
          own.push({ ...fields, key: 'period-rounding', component: 'rounding', label: 'Period rounding', base: `${period} to date ${exactText(toDate)}, paid once rounded`, amount: rounded.sub(toDate) });
        }
        if (!before.isZero()) {
          own.push({ ...fields, key: 'paid-before', component: 'paid_before', label: `Paid earlier in ${period}`, base: `${period} before ${input.month}`, amount: before.neg() });
        }
        paid.push({ payee: person, plan_id: source.id, amount: toAmount(roundToCents(sum(own))) });
      }
      if (plan.draw) {
        const key = keyOf(person, source.id);
        const owed = balances.get(key) ?? new Exact(0);
        const earned = sum(own);
        const draw = plan.draw.amount;
        const fields = { key: plan.draw.key, component: 'draw', label: plan.draw.label, rate: null, bracket: null, team: false };
        let balance: Exact;
        if (earned.sub(owed).greaterThanOrEqualTo(draw)) {
          if (owed.greaterThan(0)) own.push({ ...fields, base: `balance ${formatMoney(owed)}`, amount: owed.neg(), reason: 'draw balance recovered' });
          balance = new Exact(0);
        } else {
          own.push({ ...fields, base: `draw ${formatMoney(draw)}, earned ${exactText(earned)}, owed ${formatMoney(owed)}`, amount: draw.sub(earned), reason: draw.greaterThanOrEqualTo(earned) ? 'advanced against future commission' : 'earnings above the draw recovered' });
          // Kept in cents: the advance actually paid, never a fraction of a cent.
          balance = new Exact(roundToCents(owed.add(draw).sub(earned))).div(100);
        }
        drawOut.push({ payee: person, plan_id: source.id, balance: balance.toNumber() });
      }
      lines.push(...own.map((line) => ({ ...line, source })));
    }
    for (const [index, adjustment] of adjustments.entries()) {
      lines.push({
        key: `adjustment:${index}`,
        component: 'adjustment',
        label: adjustment.reason,
        base: adjustment.note ?? adjustment.reason,
        rate: null,
        bracket: null,
        amount: new Exact(adjustment.amount),
        reason: adjustment.reason,
        team: false,
        source: null,
      });
    }
    const statementTotal: Cents = roundToCents(sum(lines));
    const roleList = ROLE_ORDER.filter((role) => roles.has(role));
    const shownRoles = roleList.length > 0 ? roleList : ROLE_ORDER.filter((role) => covering.some(({ plan }) => plan.appliesTo.includes(role)));
    // One role per statement so that by_role adds up to the total: manager when team pay is on it.
    const primary = shownRoles.includes('manager') && lines.some((line) => line.team) ? 'manager' : (shownRoles[0] ?? 'other');
    byRole[primary] = (byRole[primary] ?? 0) + statementTotal;
    total += statementTotal;
    statements.push({
      payee: person,
      roles: shownRoles,
      total: toAmount(statementTotal),
      lines: lines.map((line) => {
        const out: PayoutLine = {
          plan: line.source?.name ?? null,
          plan_id: line.source?.id ?? null,
          plan_version: line.source?.version ?? null,
          component: line.component,
          label: line.label,
          base: line.base,
          rate: line.rate === null ? null : exactText(line.rate),
          bracket: line.bracket,
          amount: exactText(line.amount),
        };
        if (line.reason !== undefined) out.reason = line.reason;
        return out;
      }),
      warnings,
    });
  }
  return {
    month: input.month,
    company_gp: current.companyGp.toNumber(),
    company_transactions: current.companyTransactions.toNumber(),
    total: toAmount(total),
    by_role: Object.fromEntries(Object.entries(byRole).map(([role, cents]) => [role, toAmount(cents)])),
    statements,
    uncovered,
    paid,
    draw_balances: drawOut,
  };
}
