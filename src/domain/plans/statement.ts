/**
 * A commission statement: one payee, one month, with line items that explain every cent.
 *
 * Each line keeps its exact amount in micro-cents (`exact`); the total is the exact sum rounded
 * half-up to the cent once (CONTRACT.md). Lines also show a cent amount (their exact amount rounded
 * for display), and a final "rounding" line absorbs both differences, so that
 * Σ lines.amount = total (cents) and Σ lines.exact = total × 10^6 (micro-cents), always.
 */
import { toAmount, type Cents } from '../money.js';
import type { PayeeType } from './definition.js';
import { formatMicroCents, MICRO, rateNumber, roundMicroCents } from './units.js';

export type LineComponent =
  | 'tiers'
  | 'rate'
  | 'per_deal'
  | 'bonus'
  | 'override'
  | 'formula'
  | 'limit'
  | 'clawback'
  | 'draw'
  | 'rounding';

/** A line before rounding: what the engine computes. */
export interface ExactLine {
  /** Identifies the line within a statement, stable between months (for period-to-date differences). */
  key: string;
  component: LineComponent;
  label: string;
  description: string;
  /** 1-based bracket number, for bracket lines. */
  bracket?: number;
  /** Rate in micro-units, for lines paid at a rate. */
  rate?: bigint;
  /** Amount per unit in cents, for per-deal lines. */
  unitAmount?: bigint;
  /** What the line is computed on: cents, or a count of deals. */
  base: bigint;
  unit: 'money' | 'count';
  /** Micro-cents. */
  exact: bigint;
}

export interface StatementLine {
  component: LineComponent;
  label: string;
  description: string;
  bracket?: number;
  /** The rate as a fraction (0.08). */
  rate?: number;
  /** Cents per deal. */
  unit_amount?: Cents;
  /** Cents for unit "money", a count for "count". */
  base: number;
  unit: 'money' | 'count';
  /** Cents, for display; the rounding line reconciles these with the total. */
  amount: Cents;
  /** Micro-cents, exact. */
  exact: bigint;
}

export interface Statement {
  payee: string;
  payee_type: PayeeType;
  /** The month paid, YYYY-MM. */
  period: string;
  /** The window the plan's measures accumulated over: the month, "2025-Q3" or "2025". */
  accumulation: string;
  plan: string;
  total: Cents;
  lines: StatementLine[];
  /** Cents still owed against a draw after this month, when the plan has one. */
  draw_balance?: Cents;
  warnings: string[];
}

type StatementHead = Omit<Statement, 'total' | 'lines' | 'draw_balance'> & { draw_balance?: bigint };

/** Rounds the total once and adds the line that makes the lines add up to it. */
export function assembleStatement(head: StatementHead, exactLines: readonly ExactLine[]): Statement {
  let exactSum = 0n;
  let centSum = 0;
  const lines: StatementLine[] = exactLines.map((line) => {
    exactSum += line.exact;
    const amount = roundMicroCents(line.exact);
    centSum += amount;
    const out: StatementLine = {
      component: line.component,
      label: line.label,
      description: line.description,
      base: Number(line.base),
      unit: line.unit,
      amount,
      exact: line.exact,
    };
    if (line.bracket !== undefined) out.bracket = line.bracket;
    if (line.rate !== undefined) out.rate = rateNumber(line.rate);
    if (line.unitAmount !== undefined) out.unit_amount = Number(line.unitAmount);
    return out;
  });
  const total = roundMicroCents(exactSum);
  const residue = BigInt(total) * MICRO - exactSum;
  if (residue !== 0n || total !== centSum) {
    lines.push({
      component: 'rounding',
      label: 'Rounding',
      description: 'Total rounded half-up to the cent once; line amounts are shown rounded',
      base: 0,
      unit: 'money',
      amount: total - centSum,
      exact: residue,
    });
  }
  return withTotal(head, total, lines);
}

/** The statement's total, rounded as {@link assembleStatement} rounds it, without its lines (a simulation shows totals only). */
export function statementWithoutLines(head: StatementHead, exactLines: readonly ExactLine[]): Statement {
  let exactSum = 0n;
  for (const line of exactLines) exactSum += line.exact;
  return withTotal(head, roundMicroCents(exactSum), []);
}

function withTotal(head: StatementHead, total: Cents, lines: StatementLine[]): Statement {
  const statement: Statement = {
    payee: head.payee,
    payee_type: head.payee_type,
    period: head.period,
    accumulation: head.accumulation,
    plan: head.plan,
    total,
    lines,
    warnings: head.warnings,
  };
  if (head.draw_balance !== undefined) statement.draw_balance = roundMicroCents(head.draw_balance);
  return statement;
}

/** The statement as JSON: amounts as currency numbers (2 decimals), exact amounts as decimal text. */
export interface StatementJson {
  payee: string;
  payee_type: PayeeType;
  period: string;
  accumulation: string;
  plan: string;
  total: number;
  lines: {
    component: LineComponent;
    label: string;
    description: string;
    bracket?: number;
    rate?: number;
    unit_amount?: number;
    base: number;
    unit: 'money' | 'count';
    amount: number;
    /** Currency with 8 decimals, e.g. "5000.00080000". */
    exact: string;
  }[];
  draw_balance?: number;
  warnings: string[];
}

export function statementToJson(statement: Statement): StatementJson {
  const json: StatementJson = {
    payee: statement.payee,
    payee_type: statement.payee_type,
    period: statement.period,
    accumulation: statement.accumulation,
    plan: statement.plan,
    total: toAmount(statement.total),
    lines: statement.lines.map((line) => {
      const out: StatementJson['lines'][number] = {
        component: line.component,
        label: line.label,
        description: line.description,
        base: line.unit === 'money' ? toAmount(line.base) : line.base,
        unit: line.unit,
        amount: toAmount(line.amount),
        exact: formatMicroCents(line.exact),
      };
      if (line.bracket !== undefined) out.bracket = line.bracket;
      if (line.rate !== undefined) out.rate = line.rate;
      if (line.unit_amount !== undefined) out.unit_amount = toAmount(line.unit_amount);
      return out;
    }),
    warnings: statement.warnings,
  };
  if (statement.draw_balance !== undefined) json.draw_balance = toAmount(statement.draw_balance);
  return json;
}
