import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommissionMonth } from '../../src/domain/imports/format.js';
import {
  DEMO_MARKETS,
  DEMO_PLAN_PERIODS,
  DEMO_SEPTEMBER_TARGET,
  generateDemoMonths,
  type DemoBracket,
} from '../../src/demo/generate.js';
import { DEMO_AGENT_NAMES, DEMO_MANAGER_NAMES } from '../../src/demo/names.js';

const months = generateDemoMonths();

/** Amount -> integer cents, refusing anything with more than two decimals. */
function cents(amount: number): number {
  assert.ok(Number.isFinite(amount), `amount ${amount} is not finite`);
  assert.match(String(amount), /^-?\d+(\.\d{1,2})?$/, `amount ${amount} has more than 2 decimals`);
  const value = Math.round(amount * 100);
  assert.equal(value / 100, amount);
  return value;
}

function sum(values: number[]): number {
  return values.reduce((acc, value) => acc + value, 0);
}

function commissionCents(month: CommissionMonth): number {
  return sum(month.agents.map((a) => cents(a.commission))) + sum((month.managers ?? []).map((m) => cents(m.commission)));
}

function gpCents(month: CommissionMonth): number {
  return sum(month.agents.map((a) => cents(a.gp)));
}

/**
 * An independent reading of the exported plan parameters (BigInt, basis points): graduated slices,
 * summed exactly, rounded half-up to the cent once; exceptions replace brackets / floor the total.
 */
function planCents(gp: number, brackets: readonly DemoBracket[]): bigint {
  let numerator = 0n;
  let lower = 0n;
  const gpC = BigInt(gp);
  for (const bracket of brackets) {
    const upper = bracket.up_to === null ? null : BigInt(Math.round(bracket.up_to * 100));
    const top = upper === null || gpC < upper ? gpC : upper;
    if (top > lower) numerator += (top - lower) * BigInt(Math.round(bracket.rate * 10000));
    if (upper === null) break;
    lower = upper;
  }
  return (numerator + 5000n) / 10000n;
}

function periodFor(month: string) {
  const period = DEMO_PLAN_PERIODS.find((p) => p.from <= month && month <= p.to);
  assert.ok(period, `no plan period for ${month}`);
  return period;
}

describe('demo data generator', () => {
  it('is deterministic', () => {
    const again = generateDemoMonths();
    assert.deepEqual(again, months);
    assert.equal(JSON.stringify(again), JSON.stringify(months));
  });

  it('covers 24 consecutive months, 2023-10 .. 2025-09, oldest first', () => {
    assert.equal(months.length, 24);
    assert.equal(months[0]!.month, '2023-10');
    assert.equal(months.at(-1)!.month, '2025-09');
    for (let i = 1; i < months.length; i += 1) {
      const [y0, m0] = months[i - 1]!.month.split('-').map(Number) as [number, number];
      const [y1, m1] = months[i]!.month.split('-').map(Number) as [number, number];
      assert.equal(y1 * 12 + m1, y0 * 12 + m0 + 1, `${months[i]!.month} does not follow ${months[i - 1]!.month}`);
    }
  });

  it('reproduces the September 2025 figures exactly', () => {
    const september = months.at(-1)!;
    assert.equal(september.month, '2025-09');
    assert.equal(september.agents.length, 30);
    assert.equal(september.managers?.length, 8);
    assert.equal(september.agents.filter((a) => a.type === 'acq').length, 18);
    assert.equal(september.agents.filter((a) => a.type === 'dispo').length, 12);
    assert.equal(gpCents(september), 68_204_300);
    assert.equal(sum(september.agents.map((a) => a.deals)), 59);
    assert.equal(commissionCents(september), 9_753_931);
    assert.deepEqual(september.metadata, { total_gp: 682043, total_transactions: 59, commission_pct: 14.3 });
    assert.equal(DEMO_SEPTEMBER_TARGET.totalCommissionCents, 9_753_931);
  });

  it('keeps agent, manager and metadata aggregates consistent with the deals every month', () => {
    for (const month of months) {
      const deals = month.deals ?? [];
      assert.ok(deals.length > 0, `${month.month} has no deals`);
      const ids = new Set<string>();
      const compact = month.month.replace('-', '');
      for (const deal of deals) {
        assert.match(deal.id, new RegExp(`^D-${compact}-\\d{4}$`));
        assert.ok(!ids.has(deal.id), `duplicate deal id ${deal.id}`);
        ids.add(deal.id);
        assert.ok(deal.date.startsWith(`${month.month}-`), `${deal.id} date ${deal.date} outside ${month.month}`);
        const day = Number(deal.date.slice(8));
        assert.ok(day >= 1 && day <= 31 && !Number.isNaN(new Date(`${deal.date}T00:00:00Z`).getTime()));
        const agent = month.agents.find((a) => a.name === deal.agent);
        assert.ok(agent, `${deal.id} names unknown agent ${deal.agent}`);
        assert.equal(deal.type, agent.type);
        assert.equal(deal.market, agent.market);
        assert.ok(deal.status === 'closed' || deal.status === 'terminated');
        assert.ok(cents(deal.gp) > 0, `${deal.id} has no GP`);
      }
      for (const agent of month.agents) {
        const own = deals.filter((d) => d.agent === agent.name);
        const closed = own.filter((d) => d.status === 'closed');
        assert.equal(agent.deals, closed.length, `${month.month} ${agent.name} deals`);
        assert.equal(agent.terminations, own.length - closed.length, `${month.month} ${agent.name} terminations`);
        assert.equal(cents(agent.gp), sum(closed.map((d) => cents(d.gp))), `${month.month} ${agent.name} gp`);
        assert.ok(agent.manager && DEMO_MANAGER_NAMES.includes(agent.manager as (typeof DEMO_MANAGER_NAMES)[number]));
        assert.ok(agent.market);
      }
      const managers = month.managers ?? [];
      assert.equal(managers.length, 8);
      for (const manager of managers) {
        const team = month.agents.filter((a) => a.manager === manager.name);
        assert.ok(team.length > 0, `${month.month} ${manager.name} has no team`);
        assert.deepEqual(manager.team, team.map((a) => a.name));
        assert.equal(cents(manager.gp!), sum(team.map((a) => cents(a.gp))));
      }
      const totalGp = gpCents(month);
      const totalCommission = commissionCents(month);
      assert.equal(cents(month.metadata!.total_gp!), totalGp);
      assert.equal(month.metadata!.total_transactions, sum(month.agents.map((a) => a.deals)));
      assert.equal(month.metadata!.commission_pct, Math.round((1000 * totalCommission) / totalGp) / 10);
    }
  });

  it('pays every payee exactly what the exported plan gives on its GP', () => {
    for (const month of months) {
      const period = periodFor(month.month);
      for (const agent of month.agents) {
        const exception = period.exceptions.find((e) => e.agent === agent.name);
        const plan = period.agent_plans.find((p) => p.applies_to.includes(agent.type));
        assert.ok(plan);
        let expected = planCents(cents(agent.gp), exception?.brackets ?? plan.tiers.brackets);
        const minimum = BigInt(Math.round((exception?.monthly_minimum ?? 0) * 100));
        if (expected < minimum) expected = minimum;
        assert.equal(BigInt(cents(agent.commission)), expected, `${month.month} ${agent.name}`);
      }
      for (const manager of month.managers ?? []) {
        const expected = planCents(cents(manager.gp!), [{ up_to: null, rate: period.manager_override.rate }]);
        assert.equal(BigInt(cents(manager.commission)), expected, `${month.month} ${manager.name}`);
      }
    }
  });

  it('switches from a flat plan to a cheaper declining plan after 12 months', () => {
    assert.equal(periodFor('2023-10').id, periodFor('2024-09').id);
    assert.equal(periodFor('2024-10').id, periodFor('2025-09').id);
    assert.notEqual(periodFor('2024-09').id, periodFor('2024-10').id);
    const ratio = (slice: CommissionMonth[]) => sum(slice.map(commissionCents)) / sum(slice.map(gpCents));
    const first = ratio(months.slice(0, 12));
    const last = ratio(months.slice(12));
    assert.ok(last < first, `commission share of GP ${last} is not below ${first}`);
    assert.ok(first - last > 0.02, `efficiency gain ${first - last} is too small to show`);
  });

  it('spans at least 15 real metro markets', () => {
    const markets = new Set(months.flatMap((m) => (m.deals ?? []).map((d) => d.market)));
    assert.ok(markets.size >= 15, `only ${markets.size} markets`);
    const known = new Set(DEMO_MARKETS.map((m) => m.name));
    for (const market of markets) assert.ok(market && known.has(market), `unknown market ${market}`);
    for (const market of DEMO_MARKETS) assert.match(market.name, /^[A-Z][A-Za-z. ]+, [A-Z]{2}$/);
  });

  it('has problem agents: high termination rates and commission out of line with GP', () => {
    const tally = new Map<string, { closed: number; terminated: number; gp: number; commission: number }>();
    for (const month of months) {
      for (const agent of month.agents) {
        const row = tally.get(agent.name) ?? { closed: 0, terminated: 0, gp: 0, commission: 0 };
        row.closed += agent.deals;
        row.terminated += agent.terminations ?? 0;
        row.gp += cents(agent.gp);
        row.commission += cents(agent.commission);
        tally.set(agent.name, row);
      }
    }
    const rows = [...tally.values()];
    const highTermination = rows.filter((r) => r.terminated / (r.closed + r.terminated) > 0.15);
    assert.ok(highTermination.length >= 2, `${highTermination.length} agents above 15% terminations`);
    const overall = sum(rows.map((r) => r.commission)) / sum(rows.map((r) => r.gp));
    const outOfLine = rows.filter((r) => r.commission / r.gp > 1.5 * overall);
    assert.ok(outOfLine.length >= 1 && outOfLine.length <= 3, `${outOfLine.length} agents out of line`);
  });

  it('uses unique invented agent names distinct from manager names', () => {
    const agentNames = new Set(months.flatMap((m) => m.agents.map((a) => a.name)));
    assert.equal(new Set(DEMO_AGENT_NAMES).size, DEMO_AGENT_NAMES.length);
    assert.equal(new Set(DEMO_MANAGER_NAMES).size, DEMO_MANAGER_NAMES.length);
    for (const name of agentNames) assert.ok(DEMO_AGENT_NAMES.includes(name as (typeof DEMO_AGENT_NAMES)[number]));
    for (const name of DEMO_MANAGER_NAMES) assert.ok(!agentNames.has(name), `${name} is both manager and agent`);
    for (const month of months) {
      assert.equal(new Set(month.agents.map((a) => a.name)).size, month.agents.length, `${month.month} repeats an agent`);
    }
  });

  it('shows seasonality and a mild upward trend', () => {
    const volume = (prefixes: string[]) =>
      sum(months.filter((m) => prefixes.some((p) => m.month.endsWith(p))).map((m) => sum(m.agents.map((a) => a.deals))));
    assert.ok(volume(['-05', '-06', '-07']) > volume(['-11', '-12', '-01']), 'summer is not busier than winter');
    const firstYear = sum(months.slice(0, 12).map(gpCents));
    const secondYear = sum(months.slice(12).map(gpCents));
    assert.ok(secondYear > firstYear, 'no upward trend');
  });
});
