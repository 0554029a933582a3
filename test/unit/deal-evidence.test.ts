import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jstat from 'jstat';
import { dealEvidence, dealNoise, MIN_DEALS_JUDGED, normalCdf, PRIOR_DEALS } from '../../src/domain/analytics/deal-evidence.js';
import { problemAgents } from '../../src/domain/analytics/problem-agents.js';
import type { AgentRollup, MonthRollup } from '../../src/domain/analytics/rollups.js';

const { jStat } = jstat;

describe('the normal distribution', () => {
  it('agrees with jstat, a library we did not write', () => {
    for (let x = -6; x <= 6; x += 0.25) {
      const theirs = jStat.normal.cdf(x, 0, 1);
      assert.ok(Math.abs(normalCdf(x) - theirs) < 2e-7, `Φ(${x}): ${normalCdf(x)} vs ${theirs}`);
    }
  });
});

describe('the noise of one deal', () => {
  it('is pooled within agents, each month weighted by its deals (worked by hand)', () => {
    // A: months of 2 deals at 10 and 4 deals at 13: mean (20 + 52) / 6 = 12, squares 2·4 + 4·1 = 12, 1 df.
    // B: 3 deals at 5, 3 at 7, 3 at 6: mean 6, squares 3 + 3 + 0 = 6, 2 df. C: one month, no df.
    // σ² = (12 + 6) / 3 = 6.
    const noise = dealNoise([
      { agent: 'A', deals: 2, value: 10 },
      { agent: 'A', deals: 4, value: 13 },
      { agent: 'B', deals: 3, value: 5 },
      { agent: 'B', deals: 3, value: 7 },
      { agent: 'B', deals: 3, value: 6 },
      { agent: 'C', deals: 9, value: 100 },
      { agent: 'A', deals: 0, value: 999 },
    ]);
    assert.equal(noise?.degrees_of_freedom, 3);
    assert.ok(Math.abs((noise?.sigma ?? 0) - Math.sqrt(6)) < 1e-12);
  });

  it('is not measured on fewer than 3 spare agent-months', () => {
    assert.equal(dealNoise([{ agent: 'A', deals: 2, value: 10 }, { agent: 'A', deals: 4, value: 13 }, { agent: 'B', deals: 1, value: 3 }]), null);
  });
});

describe('deal evidence', () => {
  it('is the conjugate normal posterior (checked with jstat)', () => {
    // 12 deals averaging 2,000 against a tenant at 8,000, σ 3,000, line 5,000:
    // posterior mean (10·8,000 + 12·2,000) / 22 = 4,727.27, sd 3,000/√22.
    const evidence = dealEvidence({ figure: 2_000, deals: 12, tenantFigure: 8_000, sigma: 3_000, line: 5_000, direction: 'below' });
    assert.equal(PRIOR_DEALS, 10);
    assert.ok(Math.abs(evidence.posterior - 104_000 / 22) < 1e-9);
    assert.ok(Math.abs(evidence.probability - jStat.normal.cdf(5_000, 104_000 / 22, 3_000 / Math.sqrt(22))) < 1e-6);
    // 0.618: below the line, but not surely so.
    assert.equal(evidence.flagged, false);
    const more = dealEvidence({ figure: 2_000, deals: 40, tenantFigure: 8_000, sigma: 3_000, line: 5_000, direction: 'below' });
    assert.ok(Math.abs(more.probability - jStat.normal.cdf(5_000, 160_000 / 50, 3_000 / Math.sqrt(50))) < 1e-6);
    assert.equal(more.flagged, true);
  });

  it('never judges one or two deals, whatever they show', () => {
    assert.equal(MIN_DEALS_JUDGED, 3);
    for (const deals of [0, 1, 2]) {
      assert.equal(dealEvidence({ figure: 99, deals, tenantFigure: 10, sigma: 0.1, line: 15, direction: 'above' }).flagged, false);
    }
    assert.equal(dealEvidence({ figure: 99, deals: 3, tenantFigure: 10, sigma: 0.1, line: 15, direction: 'above' }).flagged, true);
  });

  it('adding a deal on the good side of the line never turns an agent into a flagged one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 50_000, noNaN: true }),
        fc.double({ min: 0, max: 50_000, noNaN: true }),
        fc.double({ min: 1, max: 20_000, noNaN: true }),
        fc.double({ min: 0, max: 50_000, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (deals, figure, tenantFigure, line, sigma, above) => {
          const before = dealEvidence({ figure, deals, tenantFigure, sigma, line, direction: 'below' });
          const added = line * (1 + above);
          const after = dealEvidence({ figure: (figure * deals + added) / (deals + 1), deals: deals + 1, tenantFigure, sigma, line, direction: 'below' });
          return !after.flagged || before.flagged || deals + 1 === MIN_DEALS_JUDGED;
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** A tenant's months; each agent-month [deals, GP per deal in dollars, commission % of GP]. */
function tenant(agents: Record<string, Array<[number, number, number] | null>>): MonthRollup[] {
  const months = Math.max(...Object.values(agents).map((list) => list.length));
  return Array.from({ length: months }, (_, i) => {
    const rows: AgentRollup[] = Object.entries(agents).flatMap(([name, list]) => {
      const entry = list[i];
      if (!entry) return [];
      const [deals, perDeal, pct] = entry;
      const gp = deals * perDeal * 100;
      return [{ name, type: 'acq' as const, manager: null, market: null, gp, commission: Math.round((gp * pct) / 100), closed: deals, terminated: 0 }];
    });
    const sum = (pick: (agent: AgentRollup) => number) => rows.reduce((total, agent) => total + pick(agent), 0);
    return {
      month: `2025-${String(i + 1).padStart(2, '0')}`,
      gp: sum((a) => a.gp),
      commission: sum((a) => a.commission),
      agent_commission: sum((a) => a.commission),
      manager_commission: 0,
      closed: sum((a) => a.closed),
      terminated: 0,
      agents: rows,
      managers: [],
      markets: [],
    };
  });
}

describe('commission % and GP per deal on evidence', () => {
  // Four steady peers whose GP per deal and commission % move month to month, one agent whose deals are
  // small, one whose commission is high, and two newcomers with a couple of deals in the last month.
  const peer = [9_000, 11_000, 10_000, 12_000, 8_000, 10_000].map((perDeal, i) => [6, perDeal, [9, 11, 10, 12, 8, 10][i]!] as [number, number, number]);
  const rollups = tenant({
    P1: peer,
    P2: peer,
    P3: peer,
    P4: peer,
    Low: Array.from({ length: 6 }, () => [5, 2_000, 10] as [number, number, number]),
    High: Array.from({ length: 6 }, () => [5, 10_000, 25] as [number, number, number]),
    Two: [null, null, null, null, null, [2, 1_000, 40]],
    Three: [null, null, null, null, null, [3, 10_000, 40]],
  });
  const result = problemAgents(rollups, { from: '2025-01', to: '2025-06' }, { termination_threshold: 0.15 });
  const rules = result.problem_agent_details.map((entry) => `${entry.name}:${entry.rule}`);

  it('flags the agents the evidence convicts, and not two deals of noise', () => {
    assert.deepEqual(rules, ['High:commission_pct', 'Low:gp_per_deal', 'Three:commission_pct']);
  });

  it('weighs GP per deal as worked by hand', () => {
    // σ: each peer's months, 6 deals each around 10,000: 6·(1 + 1 + 0 + 4 + 4 + 0)·1,000² = 60·10⁶, 5 df;
    // Low and High are steady (0, 5 df each); Two and Three have one month. σ² = 240·10⁶ / 30 = 8·10⁶.
    // Peers with 5+ deals: 2,000 and five at 10,000: the decile 2,000 + 0.5·8,000 = 6,000, half the median
    // 5,000: the line is 5,000. The tenant: 4·360,000 + 60,000 + 300,000 + 2,000 + 30,000 = 1,832,000
    // over 4·36 + 30 + 30 + 2 + 3 = 209 deals.
    const sigma = Math.sqrt(8e6);
    const tenantPerDeal = 1_832_000 / 209;
    const low = result.problem_agent_details.find((entry) => entry.name === 'Low')!;
    assert.equal(low.threshold, 5_000);
    const expected = jStat.normal.cdf(5_000, (10 * tenantPerDeal + 30 * 2_000) / 40, sigma / Math.sqrt(40));
    assert.ok(Math.abs((low.probability ?? 0) - Math.round(expected * 1000) / 1000) < 1e-9, `${low.probability} vs ${expected}`);
    assert.equal(low.explanation, `GP per closed deal 2000.00 over 30 deals (the tenant's 8765.55, a deal's varies by 2828.43); over 99% likely below the 5000.00 line; the line is the lower of the bottom decile (6000.00) and half the median agent's (5000.00)`);
  });

  it('weighs commission % as worked by hand', () => {
    // σ² = 4 peers · 6·(1 + 1 + 0 + 4 + 4 + 0) / 30 df = 8 (points²). Peers' figures 10.2% (36,600 of
    // 360,000), Low 10%, High 25%: median 10.2%, the line max(15.3, 15.2) = 15.3%. The tenant:
    // 4·36,600 + 6,000 + 75,000 + 800 + 12,000 = 240,200 of 1,832,000 (13.1%).
    const tenantPct = (100 * 240_200) / 1_832_000;
    const three = result.problem_agent_details.find((entry) => entry.name === 'Three')!;
    assert.equal(three.threshold, 15.3);
    const expected = 1 - jStat.normal.cdf(15.3, (10 * tenantPct + 3 * 40) / 13, Math.sqrt(8) / Math.sqrt(13));
    assert.ok(Math.abs((three.probability ?? 0) - Math.round(expected * 1000) / 1000) < 1e-9);
    assert.match(three.explanation, /^commission is 40\.0% of GP over 3 deals \(the tenant's 13\.1%, a deal's varies by 2\.8 points\); over 99% likely above the 15\.3% line/);
  });

  it('does not flag an agent just past the line on few deals', () => {
    // 16% on 5 deals: past 15.3%, but the prior at the tenant's figure pulls the estimate back under the line.
    const mild = tenant({ P1: peer, P2: peer, P3: peer, P4: peer, Mild: Array.from({ length: 6 }, (_, i) => (i === 5 ? [5, 10_000, 16] : null)) });
    const details = problemAgents(mild, { from: '2025-01', to: '2025-06' }, { termination_threshold: 0.15 }).problem_agent_details;
    assert.deepEqual(details.map((entry) => entry.name), []);
  });
});
