/**
 * What a plan measures for one person over a window of closing months (the month, or the quarter
 * or year to date): their credited GP and transactions on the plan's agent roles, the team GP of
 * the deals they manage (narrowed by a team scope), the company's totals and the months' goals.
 * The credits themselves come from ../closings/credits.ts; this module only selects and sums them.
 */
import type { Closing } from '../closings/closing.js';
import { companyTotals, creditsOf, type Credit } from '../closings/credits.js';
import type { Measure, PayeeType, TeamScope } from '../plans/definition.js';
import { Exact } from '../plans/exact.js';

export interface Goals {
  transactions: number;
  gp: number;
}

/** One month of closings, read once. */
export interface MonthCredits {
  month: string;
  credits: Credit[];
  /** The same credits by person, read once per month, not per plan. */
  byPerson: ReadonlyMap<string, readonly WindowCredit[]>;
  companyGp: Exact;
  companyTransactions: Exact;
  goalGp: Exact;
  goalTransactions: Exact;
}

export function monthCredits(month: string, closings: readonly Closing[], goals: Goals | null): MonthCredits {
  const company = companyTotals(closings);
  const credits = creditsOf(closings);
  const byPerson = new Map<string, WindowCredit[]>();
  for (const credit of credits) {
    const entry = { month, credit };
    const list = byPerson.get(credit.person);
    if (list) list.push(entry);
    else byPerson.set(credit.person, [entry]);
  }
  return {
    month,
    credits,
    byPerson,
    companyGp: new Exact(company.gpCents).div(100),
    companyTransactions: new Exact(company.transactions),
    goalGp: new Exact(goals?.gp ?? 0),
    goalTransactions: new Exact(goals?.transactions ?? 0),
  };
}

/** A credit with the month it belongs to (deals are identified within their month). */
export interface WindowCredit {
  month: string;
  credit: Credit;
}

export interface PersonWindow {
  person: string;
  /** The months of the window, oldest first; the last is the month paid. */
  months: readonly MonthCredits[];
  /** Agent credits on the plan's agent roles. */
  own: WindowCredit[];
  /** Credits where the person is the side's manager, every role. */
  managed: WindowCredit[];
  /** True when the plan applies to managers only: then "GP" is the team's, as in the payee-level engine. */
  managerOnly: boolean;
}

const isAgentRole = (type: PayeeType): type is 'acq' | 'dispo' => type === 'acq' || type === 'dispo';

export function personWindow(person: string, months: readonly MonthCredits[], appliesTo: readonly PayeeType[]): PersonWindow {
  const roles = new Set(appliesTo.filter(isAgentRole));
  const own: WindowCredit[] = [];
  const managed: WindowCredit[] = [];
  for (const month of months) {
    for (const entry of month.byPerson.get(person) ?? []) {
      const credit = entry.credit;
      if (credit.kind === 'agent' && roles.has(credit.role)) own.push(entry);
      if (credit.kind === 'manager') managed.push(entry);
    }
  }
  return { person, months, own, managed, managerOnly: roles.size === 0 };
}

/** The managed credits a team scope keeps: its role, and every `where` attribute equal. */
export function teamCredits(window: PersonWindow, team: TeamScope | null): WindowCredit[] {
  const role = team?.role;
  const where = Object.entries(team?.where ?? {});
  if (role === undefined && where.length === 0) return window.managed;
  return window.managed.filter(({ credit }) => {
    if (role !== undefined && credit.role !== role) return false;
    for (const [name, expected] of where) {
      if (credit.attributes[name] !== expected) return false;
    }
    return true;
  });
}

/**
 * Credited GP in currency, exact. Whole cents (nearly every credit) are summed as integers, which
 * is exact while the running total stays a safe integer (each credit is below 1e15 cents, so an
 * unsafe total is always noticed); fractions of a cent, and a total past that, in decimals.
 */
function sumGp(credits: readonly WindowCredit[]): Exact {
  let cents = 0;
  let fraction: Exact | null = null;
  for (const { credit } of credits) {
    if (credit.cents === null) {
      fraction = fraction === null ? credit.gpCents : fraction.add(credit.gpCents);
      continue;
    }
    cents += credit.cents;
    if (!Number.isSafeInteger(cents)) {
      return credits.reduce((sum, entry) => sum.add(entry.credit.gpCents), new Exact(0)).div(100);
    }
  }
  return (fraction === null ? new Exact(cents) : fraction.add(cents)).div(100);
}

/** Transactions are whole numbers of at most a million a deal: their sum is an exact integer. */
function sumTransactions(credits: readonly WindowCredit[]): Exact {
  let count = 0;
  for (const { credit } of credits) count += credit.transactions;
  return new Exact(count);
}

/** The credits a GP measure sums (for rate_by parts): own, or the (scoped) team's. */
export function measureCredits(window: PersonWindow, measure: Measure, team: TeamScope | null): WindowCredit[] {
  if (measure === 'team_gp' || (measure === 'gp' && window.managerOnly)) return teamCredits(window, team);
  return window.own;
}

/** A measure's value over the window: currency for money, a count for counts. */
export function measureOf(window: PersonWindow, measure: Measure, team: TeamScope | null): Exact {
  const total = (pick: (month: MonthCredits) => Exact) => window.months.reduce((sum, month) => sum.add(pick(month)), new Exact(0));
  switch (measure) {
    case 'gp':
    case 'team_gp':
      return sumGp(measureCredits(window, measure, team));
    case 'deals':
    case 'transactions':
      return sumTransactions(window.managerOnly ? teamCredits(window, team) : window.own);
    case 'company_gp':
      return total((month) => month.companyGp);
    case 'company_transactions':
      return total((month) => month.companyTransactions);
    case 'goal_gp':
      return total((month) => month.goalGp);
    case 'goal_transactions':
      return total((month) => month.goalTransactions);
  }
}

/** An attribute value as a rate table's key: true → "true"; a deal without the attribute has "". */
export function attributeKey(credit: Credit, attribute: string): string {
  const value = credit.attributes[attribute];
  return value === undefined ? '' : String(value);
}

/** The window restricted to its last month (formula variables month_*). */
export function lastMonthOnly(window: PersonWindow): PersonWindow {
  const last = window.months[window.months.length - 1];
  if (!last) return window;
  const keep = (entry: WindowCredit) => entry.month === last.month;
  return { ...window, months: [last], own: window.own.filter(keep), managed: window.managed.filter(keep) };
}

export function terminationsOf(window: PersonWindow): Exact {
  return new Exact(window.own.filter((entry) => entry.credit.terminated).length);
}

export { sumGp, sumTransactions };
