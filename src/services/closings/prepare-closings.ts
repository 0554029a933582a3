import type { MonthRollup } from '../../domain/analytics/rollups.js';
import { terminationWarnings } from '../../domain/analytics/termination-evidence.js';
import { checkClosingsMonth, parseCredit, type ClosingsCheck } from '../../domain/closings/check.js';
import type { Closing, ClosingsMonth, SideRole } from '../../domain/closings/closing.js';
import { creditsOf, totalsByPerson } from '../../domain/closings/credits.js';
import { rollupFromClosings } from '../../domain/closings/rollup.js';
import type { FieldError } from '../../domain/field-error.js';
import { formatAmount, parseAmount, toAmount } from '../../domain/money.js';
import { closingsHash, type ClosingsInput } from './closings-input.js';

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

export interface ClosingsCheckOptions {
  today: Date;
  /** Names the tenant already knows as agents or managers (any case); the roster, or the part of it the document names. */
  knownPeople: Iterable<string>;
  terminationThreshold: number;
}

/** Everyone a document names, as written (trimmed), for the roster look-up. */
export function peopleNamed(document: ClosingsMonth): string[] {
  const names = new Set<string>();
  for (const closing of document.closings ?? []) {
    for (const side of Array.isArray(closing?.sides) ? closing.sides : []) {
      if (typeof side?.agent === 'string') names.add(side.agent);
      if (typeof side?.manager === 'string') names.add(side.manager);
    }
  }
  return [...names];
}

/**
 * The month checked against the tenant's roster: the one validation both import and preview run.
 * A valid month also gets its analytics roll-up, and from it the termination warnings: the rule
 * the payee import and the summary's problem agents apply (termination-evidence.ts), on the
 * agents' contracts as the summary of the month counts them.
 */
export function checkClosings(input: ClosingsInput, options: ClosingsCheckOptions): ClosingsCheck & { rollup: MonthRollup | null } {
  const { document, expectedMonth } = input;
  const check = checkClosingsMonth(document, {
    today: options.today,
    knownPeople: options.knownPeople,
    ...(input.rowNumbers ? { rowNumbers: input.rowNumbers } : {}),
  });
  if (expectedMonth && document?.month !== expectedMonth) {
    check.errors.unshift({ pointer: '/month', message: `is ${String(document?.month)}, but ?month= is ${expectedMonth}` });
  }
  const errors = [...(input.sourceErrors ?? []), ...check.errors];
  const rollup = errors.length === 0 ? rollupFromClosings(document) : null;
  const rates = rollup
    ? terminationWarnings(
        rollup.agents.map((agent) => ({ name: agent.name, terminated: agent.terminated, contracts: agent.closed + agent.terminated })),
        options.terminationThreshold,
      )
    : [];
  return { ...check, errors, warnings: [...(input.sourceWarnings ?? []), ...check.warnings, ...rates], rollup };
}

/**
 * What an import of the same input would do, without writing anything: the first rows with what
 * each credits, the counts, company GP, and every warning and error the import would give.
 * Credits are shown only for a valid month; with errors the rows are shown as given, so the user
 * can see which cells went wrong.
 */
export function previewOf(input: ClosingsInput, check: ClosingsCheck): ClosingsPreview {
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

/**
 * A closings month as the database writes it, computed from the input alone (an import worker
 * thread makes it, src/services/imports/): the check, the hash, and the rows as JSON text that
 * PostgreSQL decodes (json_to_recordset), so the writer holds no object per closing.
 */
export interface PreparedClosings {
  month: string;
  errors: FieldError[];
  warnings: string[];
  hash: string;
  /** Null when there are errors. */
  rows: PreparedClosingsRows | null;
}

export interface PreparedClosingsRows {
  closings: number;
  sides: number;
  adjustments: number;
  totals: { gp: string; gpAmount: number; transactions: number; closed: number; terminated: number };
  rollupJson: string;
  managerNames: string[];
  /** The roster's rows, sorted by name (lock order): `{name, type, market, manager}`, JSON text (db upsertAgentsFromJson). */
  agentsJson: string;
  marketNames: string[];
  /** `{closing_id, closing_date, property, market, gp, fee, transactions, status, attributes}` in the month's order. */
  closingsJson: string;
  /** `{position, side, role, agent, manager, credit}`. */
  sidesJson: string;
  /** `{payee, amount, reason, note}` in the month's order. */
  adjustmentsJson: string;
}

const money = (amount: number) => formatAmount(parseAmount(amount)!);
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Everyone the closings name joins the roster once, agents and managers alike, so `/agents`
 * lists each person once with their roles (src/db/agents.ts reads the roles from the stored sides).
 * The roster's single `type` is the role that earned them the most GP this month (for a manager
 * only: the role they manage most); type, market and manager follow the newest month, as with the
 * payee import.
 */
function rosterOf(document: ClosingsMonth, rollup: MonthRollup): Pick<PreparedClosingsRows, 'managerNames' | 'agentsJson' | 'marketNames'> {
  const managerRole = new Map<string, { role: SideRole; deals: number }>();
  for (const totals of totalsByPerson(creditsOf(document.closings))) {
    if (totals.kind !== 'manager') continue;
    const best = managerRole.get(totals.person);
    if (!best || totals.deals > best.deals) managerRole.set(totals.person, { role: totals.role, deals: totals.deals });
  }
  const asAgents = new Set(rollup.agents.map((agent) => agent.name));
  const agents = [
    // As before: an agent's manager is the manager's id only when this month names them as a manager.
    ...rollup.agents.map((agent) => ({ name: agent.name, type: agent.type, market: agent.market, manager: agent.manager && managerRole.has(agent.manager) ? agent.manager : null })),
    ...[...managerRole].filter(([name]) => !asAgents.has(name)).map(([name, { role }]) => ({ name, type: role, market: null, manager: null })),
  ].sort(byName);
  return { managerNames: [...managerRole.keys()], agentsJson: JSON.stringify(agents), marketNames: rollup.markets.map((market) => market.name) };
}

/** The check and, for a valid month, its rows. */
export function prepareClosings(input: ClosingsInput, check: ClosingsCheck & { rollup: MonthRollup | null }): PreparedClosings {
  const { document } = input;
  const prepared = { month: document.month, errors: check.errors, warnings: check.warnings, hash: closingsHash(document) };
  if (check.errors.length > 0) return { ...prepared, rows: null };
  const rollup = check.rollup ?? rollupFromClosings(document);
  const sides: unknown[] = [];
  const closings = document.closings.map((closing, position) => {
    closing.sides.forEach((side, index) =>
      sides.push({
        position,
        side: index,
        role: side.role,
        agent: side.agent,
        manager: side.manager ?? null,
        credit: side.credit === undefined ? null : parseCredit(side.credit)!.toFixed(),
      }),
    );
    return {
      closing_id: closing.id ?? null,
      closing_date: closing.date ?? null,
      property: closing.property ?? null,
      market: closing.market ?? null,
      gp: money(closing.gp),
      fee: closing.assignment_fee === undefined ? null : money(closing.assignment_fee),
      transactions: closing.transactions ?? 1,
      status: closing.status ?? 'closed',
      attributes: closing.attributes ?? null,
    };
  });
  const adjustments = (document.adjustments ?? []).map((adjustment) => ({
    payee: adjustment.payee,
    amount: money(adjustment.amount),
    reason: adjustment.reason,
    note: adjustment.note ?? null,
  }));
  return {
    ...prepared,
    rows: {
      closings: closings.length,
      sides: sides.length,
      adjustments: adjustments.length,
      totals: {
        gp: formatAmount(check.totals.gpCents),
        gpAmount: toAmount(check.totals.gpCents),
        transactions: check.totals.transactions,
        closed: check.totals.closed,
        terminated: check.totals.terminated,
      },
      rollupJson: JSON.stringify(rollup),
      ...rosterOf(document, rollup),
      closingsJson: JSON.stringify(closings),
      sidesJson: JSON.stringify(sides),
      adjustmentsJson: JSON.stringify(adjustments),
    },
  };
}
