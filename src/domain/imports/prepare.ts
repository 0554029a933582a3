import { createHash } from 'node:crypto';
import { rollupFromHistory } from '../analytics/rollups.js';
import type { FieldError } from '../field-error.js';
import { formatAmount, parseAmount, toAmount, type Cents } from '../money.js';
import { canonicalMonth } from './canonical.js';
import { checkMonth } from './check.js';
import type { CommissionMonth } from './format.js';
import { historyMonthFromImport } from './to-history.js';

/**
 * A payee month as the database writes it, all of it computed from the document alone: the checks,
 * the canonical text, the roll-up and the rows, the bulky parts as JSON text that PostgreSQL
 * decodes (json_to_recordset) so that whoever writes it holds no object per deal. Plain data, so
 * it is made in an import worker thread (src/services/imports/) and posted back as it is.
 */
export interface PreparedMonth {
  month: string;
  errors: FieldError[];
  warnings: string[];
  /** The canonical document as JSON text, exactly as a JSON export writes it; its SHA-256 is the idempotency hash. */
  documentText: string;
  hash: string;
  /** Null when there are errors: nothing below is computed then. */
  rows: PreparedRows | null;
}

export interface PreparedRows {
  metadataJson: string | null;
  /** `gp` and `commission` as decimal text for the database; the same in whole cents for sums and percentages. */
  totals: { gp: string; commission: string; gpCents: Cents; commissionCents: Cents; agents: number; managers: number; transactions: number; terminations: number };
  rollupJson: string;
  /** Every manager named (listed or an agent's manager). */
  managerNames: string[];
  /** One per agent name (the last occurrence wins), sorted by name (lock order): `{name, type, market, manager}`, JSON text. */
  agentsJson: string;
  marketNames: string[];
  /** Coordinates given, one per market (the last mention wins). */
  placedMarkets: { name: string; lat: number; lon: number }[];
  /** `{payee_type, position, name, agent_type, gp, deals, terminations, commission, market, manager}`, JSON text. */
  payeesJson: string;
  /** `{deal_id, deal_date, agent, listed, type, market, gp, status}`, JSON text; `listed`: the agent is one of the month's. */
  dealsJson: string;
  deals: number;
  totalCommission: number;
}

/** Hash of the canonical document text: the same month sent twice hashes the same, whatever its key order. */
export function monthTextHash(documentText: string): string {
  return createHash('sha256').update(documentText).digest('hex');
}

const cents = (amount: number): Cents => {
  const value = parseAmount(amount);
  // checkMonth has rejected every amount parseAmount refuses; reaching here would be a bug.
  if (value === null) throw new Error(`unchecked amount ${amount}`);
  return value;
};
const money = (amount: number | undefined) => (amount === undefined ? null : formatAmount(cents(amount)));

/** Checks a schema-valid month and, when it has no errors, makes its rows. */
export function prepareMonth(input: CommissionMonth, options: { terminationThreshold: number; today: Date }): PreparedMonth {
  const check = checkMonth(input, options);
  const documentText = JSON.stringify(canonicalMonth(input));
  const prepared = { month: input.month, errors: check.errors, warnings: check.warnings, documentText, hash: monthTextHash(documentText) };
  if (check.errors.length > 0) return { ...prepared, rows: null };
  const { totals } = check;
  const managers = input.managers ?? [];
  const deals = input.deals ?? [];

  const latestByName = new Map(input.agents.map((agent) => [agent.name, agent]));
  const terminatedDeals = new Map<string, number>();
  for (const deal of deals) {
    if (deal.status === 'terminated') terminatedDeals.set(deal.agent, (terminatedDeals.get(deal.agent) ?? 0) + 1);
  }
  const terminationsOf = (name: string, given: number | undefined) => given ?? (input.deals ? (terminatedDeals.get(name) ?? 0) : null);

  const payees = [
    ...input.agents.map((agent, position) => ({
      payee_type: 'agent',
      position,
      name: agent.name,
      agent_type: agent.type,
      gp: money(agent.gp),
      deals: agent.deals,
      terminations: terminationsOf(agent.name, agent.terminations),
      commission: money(agent.commission),
      market: agent.market ?? null,
      manager: agent.manager ?? null,
    })),
    ...managers.map((manager, position) => ({
      payee_type: 'manager',
      position,
      name: manager.name,
      agent_type: null,
      gp: money(manager.gp),
      deals: null,
      terminations: null,
      commission: money(manager.commission),
      market: null,
      manager: null,
    })),
  ];

  return {
    ...prepared,
    rows: {
      metadataJson: input.metadata ? JSON.stringify(input.metadata) : null,
      totals: {
        gp: formatAmount(totals.gpCents),
        commission: formatAmount(totals.commissionCents),
        gpCents: totals.gpCents,
        commissionCents: totals.commissionCents,
        agents: totals.agents,
        managers: totals.managers,
        transactions: totals.transactions,
        terminations: payees.reduce((sum, payee) => sum + (payee.terminations ?? 0), 0),
      },
      rollupJson: JSON.stringify(rollupFromHistory([historyMonthFromImport(input)])[0]!),
      managerNames: [...managers.map((manager) => manager.name), ...input.agents.flatMap((agent) => (agent.manager ? [agent.manager] : []))],
      agentsJson: JSON.stringify(
        [...latestByName.values()]
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map((agent) => ({ name: agent.name, type: agent.type, market: agent.market ?? null, manager: agent.manager ?? null })),
      ),
      marketNames: [...input.agents.flatMap((agent) => (agent.market ? [agent.market] : [])), ...deals.flatMap((deal) => (deal.market ? [deal.market] : []))],
      placedMarkets: [...new Map((input.markets ?? []).map((market) => [market.name, market])).values()].map(({ name, lat, lon }) => ({ name, lat, lon })),
      payeesJson: JSON.stringify(payees),
      dealsJson: JSON.stringify(
        deals.map((deal) => ({
          deal_id: deal.id,
          deal_date: deal.date,
          agent: deal.agent,
          listed: latestByName.has(deal.agent),
          type: deal.type,
          market: deal.market ?? null,
          gp: formatAmount(cents(deal.gp)),
          status: deal.status,
        })),
      ),
      deals: deals.length,
      totalCommission: toAmount(totals.commissionCents),
    },
  };
}
