/**
 * The demo tenant as closings (src/demo/closings.ts) paid by its stored plans (src/demo/plans.ts)
 * through the real closings engine (calculatePayouts): the CONTRACT.md figures of September 2025,
 * statements worked out by hand, and the story the dashboard tells.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Closing, ClosingsMonth } from '../../src/domain/closings/closing.js';
import { checkClosingsMonth } from '../../src/domain/closings/check.js';
import { parsePlan, validatePlan } from '../../src/domain/plans/definition.js';
import type { Payout, PayoutStatement } from '../../src/domain/payouts/calculate-payouts.js';
import {
  DEMO_DRAW_AGENT,
  DEMO_GRANDFATHERED_AGENT,
  DEMO_MANAGER_ON_DISPO,
  DEMO_TEAM_LEAD,
  generateDemoClosings,
  payDemoMonth,
} from '../../src/demo/closings.js';
import { DEMO_PLAN_CHANGE_MONTH, DEMO_PLANS, demoPlansInForce } from '../../src/demo/plans.js';
import { DEMO_AGENT_NAMES, DEMO_MANAGER_NAMES } from '../../src/demo/names.js';
import { DEMO_MARKETS, DEMO_MONTHS } from '../../src/demo/generate.js';

const months = generateDemoClosings();
const payouts = new Map<string, Payout>(months.map((month) => [month.month, payDemoMonth(month)]));
const september = months.at(-1)!;
const septemberPay = payouts.get('2025-09')!;

/** Amount → integer cents, refusing more than two decimals. */
function cents(amount: number): number {
  assert.match(String(amount), /^-?\d+(\.\d{1,2})?$/, `amount ${amount} has more than 2 decimals`);
  return Math.round(amount * 100);
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const closed = (month: ClosingsMonth) => month.closings.filter((closing) => closing.status !== 'terminated');
const companyGpCents = (month: ClosingsMonth) => sum(closed(month).map((closing) => cents(closing.gp)));
const paidCents = (month: ClosingsMonth) => cents(payouts.get(month.month)!.total);

function statement(payee: string, payout: Payout = septemberPay): PayoutStatement {
  const found = payout.statements.find((candidate) => candidate.payee === payee);
  assert.ok(found, `no statement for ${payee}`);
  return found;
}

const sideOf = (closing: Closing, role: 'acq' | 'dispo') => closing.sides.find((side) => side.role === role);

/** Credited GP in cents of the September closings `pick` keeps (closed deals only). */
const gpOf = (pick: (closing: Closing) => boolean) => sum(closed(september).filter(pick).map((closing) => cents(closing.gp)));

/** round(amountCents × rate) half-up, with the rate given as an exact fraction numerator/denominator (BigInt). */
function times(amountCents: number, numerator: bigint, denominator: bigint): bigint {
  return (BigInt(amountCents) * numerator * 2n + denominator) / (2n * denominator);
}

describe('demo closings', () => {
  it('is deterministic and covers 2023-10 .. 2025-09, oldest first', () => {
    assert.deepEqual(generateDemoClosings(), months);
    assert.deepEqual(months.map((month) => month.month), [...DEMO_MONTHS]);
    assert.equal(months.length, 24);
  });

  it('is a valid closings import every month, shaped like an operator’s deal sheet', () => {
    const markets = new Set<string>();
    for (const month of months) {
      const check = checkClosingsMonth(month, { today: new Date('2025-10-15T00:00:00Z') });
      assert.deepEqual(check.errors, [], month.month);
      const ids = new Set(month.closings.map((closing) => closing.id));
      assert.equal(ids.size, month.closings.length, `${month.month} repeats an id`);
      for (const closing of month.closings) {
        assert.ok(closing.date?.startsWith(`${month.month}-`), `${closing.id} dated ${closing.date}`);
        assert.equal(typeof closing.attributes?.flat_fee, 'boolean');
        assert.equal(typeof closing.attributes?.tl_eligible, 'boolean');
        assert.ok(cents(closing.gp) > 0);
        assert.equal(closing.assignment_fee, closing.gp);
        assert.ok(sideOf(closing, 'acq')?.agent, `${closing.id} has an acquisition agent`);
        if (closing.status === 'terminated') assert.equal(sideOf(closing, 'dispo'), undefined, 'a deal that fell through has no buyer side');
        else assert.ok(sideOf(closing, 'dispo'), `${closing.id} has a dispo side`);
        markets.add(closing.market!);
        assert.ok(closing.property!.endsWith(`, ${closing.market}`), 'the address ends with its market');
      }
      const memos = month.closings.filter((closing) => closing.transactions === 0);
      assert.ok(memos.length >= 1 && memos.every((memo) => memo.id!.endsWith('-M')), `${month.month} memo rows`);
      assert.ok(month.closings.some((closing) => closing.status === 'terminated'), `${month.month} terminations`);
      assert.ok(month.closings.some((closing) => closing.attributes!.flat_fee === true), `${month.month} flat-fee deals`);
      assert.ok(month.closings.some((closing) => closing.attributes!.tl_eligible === false), `${month.month} deals not eligible for the lead`);
    }
    const house = months.flatMap((month) => month.closings.filter((closing) => closing.status === 'closed' && sideOf(closing, 'dispo')?.agent === null));
    assert.ok(house.length >= 24, `${house.length} house deals`);
    // All 20 demo markets: the acquisition agents' 17, and the 3 where only dispo agents live, whose
    // deals agents of the region source (Jacksonville, Columbus, St. Louis).
    assert.equal(markets.size, 20);
    assert.deepEqual([...markets].sort(), DEMO_MARKETS.map((market) => market.name).sort());
    for (const market of markets) assert.ok(DEMO_MARKETS.some((known) => known.name === market));
  });

  it('has 8 managers and about 30 agents, acq and dispo, a team lead who closes deals and a manager on the dispo side', () => {
    const people = (month: ClosingsMonth, pick: (side: Closing['sides'][number]) => string | null | undefined) =>
      new Set(month.closings.flatMap((closing) => closing.sides.map(pick)).filter((name): name is string => typeof name === 'string'));
    const managers = people(september, (side) => side.manager);
    assert.deepEqual([...managers].sort(), [...DEMO_MANAGER_NAMES].sort());
    const acq = new Set(september.closings.map((closing) => sideOf(closing, 'acq')!.agent));
    const dispo = people(september, (side) => (side.role === 'dispo' ? side.agent : null));
    assert.ok(acq.size >= 17 && dispo.size >= 11, `${acq.size} acq, ${dispo.size} dispo`);
    const agents = new Set([...acq, ...dispo].filter((name) => name !== null && !DEMO_MANAGER_NAMES.includes(name as never)));
    assert.ok(agents.size >= 28 && agents.size <= 32, `${agents.size} agents`);
    for (const name of agents) assert.ok(DEMO_AGENT_NAMES.includes(name as never), String(name));
    // The team lead is on acq sides as an agent and on others as manager, in one month.
    assert.ok(acq.has(DEMO_TEAM_LEAD) && managers.has(DEMO_TEAM_LEAD));
    assert.deepEqual(statement(DEMO_TEAM_LEAD).roles, ['acq', 'manager']);
    const onDispo = months.flatMap((month) => month.closings.filter((closing) => sideOf(closing, 'dispo')?.agent === DEMO_MANAGER_ON_DISPO).map(() => month.month));
    assert.ok(onDispo.length >= 3, `${DEMO_MANAGER_ON_DISPO} takes a dispo side now and then (${onDispo.length})`);
  });

  it('stores its plans as versions the validator accepts, in the extended plan language', () => {
    assert.deepEqual(DEMO_PLANS.map((plan) => plan.name), ['Acquisition reps', 'Disposition reps', 'Manager override', `Team lead ${DEMO_TEAM_LEAD}`]);
    for (const plan of DEMO_PLANS) {
      assert.deepEqual(plan.versions.map((version) => version.effective_from), ['2023-10', DEMO_PLAN_CHANGE_MONTH]);
      for (const version of plan.versions) {
        assert.deepEqual(validatePlan(version.definition), [], `${plan.name} ${version.effective_from}`);
        const parsed = parsePlan(JSON.parse(JSON.stringify(version.definition)));
        assert.ok(parsed.ok, `${plan.name} survives JSON`);
        assert.equal(version.definition.name, plan.name);
      }
    }
    const text = JSON.stringify(DEMO_PLANS);
    for (const feature of ['"from":50001', '"rate_by":"flat_fee"', '"team":{"role":"acq","where":{"tl_eligible":true}}', '"exclude":', '"tier_overrides":', '"agents":']) {
      assert.ok(text.includes(feature), `uses ${feature}`);
    }
    assert.deepEqual(demoPlansInForce('2024-09').map((plan) => plan.version), [1, 1, 1, 1]);
    assert.deepEqual(demoPlansInForce('2024-10').map((plan) => plan.version), [2, 2, 2, 2]);
    assert.deepEqual(demoPlansInForce('2023-09'), []);
  });

  it('pays September 2025 exactly the contract figures: 97,539.31 on GP 682,043.00, 59 transactions, 14.3%', () => {
    assert.equal(septemberPay.company_gp, 682043);
    assert.equal(companyGpCents(september), 68_204_300);
    assert.equal(septemberPay.company_transactions, 59);
    assert.equal(sum(closed(september).map((closing) => closing.transactions ?? 1)), 59);
    assert.equal(septemberPay.total, 97539.31);
    assert.equal(sum(septemberPay.statements.map((each) => cents(each.total))), 9_753_931);
    assert.equal(Math.round((1000 * 9_753_931) / 68_204_300) / 10, 14.3);
    assert.deepEqual(septemberPay.uncovered, []);
    assert.equal(sum(Object.values(septemberPay.by_role).map(cents)), 9_753_931);
    for (const each of septemberPay.statements) assert.deepEqual(each.warnings, [], each.payee);
  });

  it('September statements, worked out by hand', () => {
    // Wrenna Hartsell (acq) closed R-2025-09-009 (7,126.23) and R-2025-09-055 (7,114.66):
    // GP 14,240.89 reaches tier 1 of Acquisition reps v2 (4%), but her written exception forces
    // tier 5 (12%): 14,240.89 × 0.12 = 1,708.9068 → 1,708.91.
    const wrennaGp = gpOf((closing) => sideOf(closing, 'acq')?.agent === DEMO_GRANDFATHERED_AGENT);
    assert.equal(wrennaGp, 712_623 + 711_466);
    assert.equal(times(wrennaGp, 12n, 100n), 170_891n);
    const wrenna = statement(DEMO_GRANDFATHERED_AGENT);
    assert.equal(wrenna.total, 1708.91);
    assert.equal(wrenna.lines.length, 1);
    assert.match(wrenna.lines[0]!.bracket!, /^5 of 5 .*overridden: grandfathered/);

    // Noemi Norcastle (dispo) sold R-2025-09-007 (9,727.49) and R-2025-09-054 (12,768.23), both
    // listed for a flat fee: GP 22,495.72 is in tier 1 (from 0: 4%, flat fee 2.6667%):
    // 22,495.72 × 0.026667 = 599.89336524 → 599.89. Her guaranteed 4,500.00 tops it up by
    // 4,500.00 − 599.89 = 3,900.11 (an adjustment of the month), so she is paid 4,500.00.
    const noemiGp = gpOf((closing) => sideOf(closing, 'dispo')?.agent === DEMO_DRAW_AGENT);
    assert.equal(noemiGp, 972_749 + 1_276_823);
    assert.ok(closed(september).filter((closing) => sideOf(closing, 'dispo')?.agent === DEMO_DRAW_AGENT).every((closing) => closing.attributes!.flat_fee === true));
    assert.equal(times(noemiGp, 26_667n, 1_000_000n), 59_989n);
    assert.deepEqual(september.adjustments?.find((adjustment) => adjustment.payee === DEMO_DRAW_AGENT), {
      payee: DEMO_DRAW_AGENT,
      amount: 3900.11,
      reason: 'other',
      note: 'Guaranteed monthly minimum of 4500.00 (offer letter, July 2024): the plans paid 599.89',
    });
    assert.equal(statement(DEMO_DRAW_AGENT).total, 4500);

    // Ophelia Greywell, team lead (her own plan, version 2):
    // - her own acq deal R-2025-09-012: 13,728.16 in tier 1 (from 0: 5%) → 686.408;
    // - the acq deals she manages and marked eligible (009 7,126.23; 013 8,480.35; 024 11,219.43;
    //   031 20,249.13; 046 12,978.34; 047 5,971.61; 055 7,114.66; 060 20,798.49; not 006, which is
    //   not eligible): 93,938.24, none flat-fee, tier 2 (from 60,000: 2.5%) → 2,348.456;
    // - the dispo sides she manages (all sold by Thaddeus Gallowmere: the eight above and her own
    //   012): 107,666.40 × 0.5% → 538.332.
    // 686.408 + 2,348.456 + 538.332 = 3,573.196 → 3,573.20 (rounded once, not per line).
    const own = gpOf((closing) => sideOf(closing, 'acq')?.agent === DEMO_TEAM_LEAD);
    const team = gpOf((closing) => sideOf(closing, 'acq')?.manager === DEMO_TEAM_LEAD && closing.attributes!.tl_eligible === true);
    const dispoTeam = gpOf((closing) => sideOf(closing, 'dispo')?.manager === DEMO_TEAM_LEAD);
    assert.deepEqual([own, team, dispoTeam], [1_372_816, 9_393_824, 10_766_640]);
    assert.ok(closed(september).every((closing) => sideOf(closing, 'acq')?.manager !== DEMO_TEAM_LEAD || closing.attributes!.flat_fee === false));
    // In tenths of a cent: 686.408 = 686,408; 2,348.456 = 2,348,456; 538.332 = 538,332.
    const tenths = (BigInt(own) * 50n) / 100n + (BigInt(team) * 25n) / 100n + (BigInt(dispoTeam) * 5n) / 100n;
    assert.equal(tenths, 3_573_196n);
    assert.equal(statement(DEMO_TEAM_LEAD).total, 3573.2);
    assert.deepEqual(statement(DEMO_TEAM_LEAD).lines.map((line) => line.amount), ['686.408', '2348.456', '538.332']);

    // Odalys Brennart (dispo) sold eleven deals and one memo row, none flat-fee: 122,850.84,
    // tier 3 (from 80,000: 6%) → 7,371.0504 → 7,371.05.
    const odalys = gpOf((closing) => sideOf(closing, 'dispo')?.agent === 'Odalys Brennart');
    assert.equal(odalys, 12_285_084);
    assert.equal(times(odalys, 6n, 100n), 737_105n);
    assert.equal(statement('Odalys Brennart').total, 7371.05);
  });

  it('keeps every month’s commission in a plausible band, lower after the plan change of 2024-10', () => {
    const pct = (month: ClosingsMonth) => (100 * paidCents(month)) / companyGpCents(month);
    for (const month of months) {
      assert.ok(pct(month) > 12 && pct(month) < 19.5, `${month.month}: ${pct(month).toFixed(2)}%`);
      assert.deepEqual(payouts.get(month.month)!.uncovered, [], month.month);
    }
    const before = months.filter((month) => month.month < DEMO_PLAN_CHANGE_MONTH);
    const after = months.filter((month) => month.month >= DEMO_PLAN_CHANGE_MONTH);
    assert.equal(before.length, 12);
    const highestAfter = Math.max(...after.map(pct));
    const lowestBefore = Math.min(...before.map(pct));
    assert.ok(highestAfter < lowestBefore, `after ${highestAfter.toFixed(2)}% vs before ${lowestBefore.toFixed(2)}%`);
    const share = (slice: ClosingsMonth[]) => sum(slice.map(paidCents)) / sum(slice.map(companyGpCents));
    assert.ok(share(before) - share(after) > 0.025, 'an efficiency gain worth showing');
  });

  it('shows the season and an upward trend', () => {
    const transactions = (suffixes: string[]) =>
      sum(months.filter((month) => suffixes.some((suffix) => month.month.endsWith(suffix))).map((month) => payouts.get(month.month)!.company_transactions));
    assert.ok(transactions(['-05', '-06', '-07']) > transactions(['-11', '-12', '-01']));
    assert.ok(sum(months.slice(12).map(companyGpCents)) > sum(months.slice(0, 12).map(companyGpCents)));
  });

  it('has its problem agents: three who lose deals, two paid out of line with their GP by written exceptions', () => {
    const tally = new Map<string, { closed: number; terminated: number; gp: number; paid: number }>();
    const row = (name: string) => {
      let found = tally.get(name);
      if (!found) tally.set(name, (found = { closed: 0, terminated: 0, gp: 0, paid: 0 }));
      return found;
    };
    for (const month of months) {
      for (const closing of month.closings) {
        for (const side of closing.sides) {
          if (!side.agent || DEMO_MANAGER_NAMES.includes(side.agent as never)) continue;
          const entry = row(side.agent);
          if (closing.status === 'terminated') entry.terminated += 1;
          else {
            entry.closed += closing.transactions ?? 1;
            entry.gp += cents(closing.gp);
          }
        }
      }
      for (const each of payouts.get(month.month)!.statements) if (tally.has(each.payee)) row(each.payee).paid += cents(each.total);
    }
    const rate = (entry: { closed: number; terminated: number }) => entry.terminated / (entry.closed + entry.terminated);
    const losing: string[] = [...tally].filter(([, entry]) => rate(entry) > 0.2).map(([name]) => name).sort();
    assert.deepEqual(losing, [DEMO_AGENT_NAMES[22], DEMO_AGENT_NAMES[26], DEMO_AGENT_NAMES[31]].sort());
    for (const [name, entry] of tally) if (!(losing as string[]).includes(name)) assert.ok(rate(entry) < 0.17, `${name} ${rate(entry)}`);

    // The dashboard's rule: commission % of GP above both 1.5× the median agent's and 5 points more.
    const shares = [...tally].filter(([, entry]) => entry.closed >= 5).map(([name, entry]) => ({ name, pct: (100 * entry.paid) / entry.gp }));
    const sorted = shares.map((each) => each.pct).sort((a, b) => a - b);
    const median = (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
    const line = Math.max(1.5 * median, median + 5);
    const outOfLine = shares.filter((each) => each.pct > line).map((each) => each.name).sort();
    assert.deepEqual(outOfLine, [DEMO_GRANDFATHERED_AGENT, DEMO_DRAW_AGENT].sort(), `median ${median.toFixed(2)}%, line ${line.toFixed(2)}%`);
  });

  it('pays the manager who takes a dispo side his override only, and never lists him as uncovered', () => {
    for (const month of months) {
      if (!month.closings.some((closing) => sideOf(closing, 'dispo')?.agent === DEMO_MANAGER_ON_DISPO)) continue;
      const payout = payouts.get(month.month)!;
      assert.ok(!payout.uncovered.includes(DEMO_MANAGER_ON_DISPO));
      assert.deepEqual([...new Set(statement(DEMO_MANAGER_ON_DISPO, payout).lines.map((line) => line.plan))], ['Manager override']);
    }
  });
});
