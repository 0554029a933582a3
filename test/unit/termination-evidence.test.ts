import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jstat from 'jstat';
import { problemAgents } from '../../src/domain/analytics/problem-agents.js';
import { rollupFromHistory } from '../../src/domain/analytics/rollups.js';
import { betaCdf, FLAG_PROBABILITY, terminationEvidence } from '../../src/domain/analytics/termination-evidence.js';
import { checkMonth } from '../../src/domain/imports/check.js';
import type { CommissionMonth } from '../../src/domain/imports/format.js';
import { historyMonthFromImport } from '../../src/domain/imports/to-history.js';
import { rollupFromClosings } from '../../src/domain/closings/rollup.js';
import type { ClosingsMonth } from '../../src/domain/closings/closing.js';
import { terminationWarnings } from '../../src/domain/analytics/termination-evidence.js';

const { jStat } = jstat;

describe('the beta distribution', () => {
  it('agrees with jstat, a library we did not write, across the range the rule uses', () => {
    for (const x of [0.01, 0.05, 0.15, 0.3, 0.5, 0.8, 0.99]) {
      for (const a of [0.05, 0.7, 1.38, 6, 40.5, 300]) {
        for (const b of [0.3, 2, 8.62, 57, 900]) {
          const ours = betaCdf(x, a, b);
          const theirs = jStat.beta.cdf(x, a, b);
          assert.ok(Math.abs(ours - theirs) < 1e-7, `I_${x}(${a}, ${b}): ${ours} vs ${theirs}`);
        }
      }
    }
  });
});

describe('termination evidence', () => {
  // A tenant terminating 13.8% of its contracts, the plan's example figure.
  const tenantRate = 0.138;

  it('flags 5 of 6 and not 1 of 2, and says why in words', () => {
    const five = terminationEvidence(5, 6, tenantRate, 0.15);
    assert.equal(five.flagged, true);
    // Beta(1.38 + 5, 8.62 + 1): P(rate > 15%) = 0.990.
    assert.ok(Math.abs(five.probability - (1 - jStat.beta.cdf(0.15, 6.38, 9.62))) < 1e-9);
    assert.equal(five.explanation, '5 of 6 contracts terminated (83.3%); 99% likely above the 15% threshold');
    const one = terminationEvidence(1, 2, tenantRate, 0.15);
    assert.equal(one.flagged, false);
    // Beta(1.38 + 1, 8.62 + 1): P(rate > 15%) = 0.62.
    assert.ok(Math.abs(one.probability - (1 - jStat.beta.cdf(0.15, 2.38, 9.62))) < 1e-9);
    assert.ok(one.probability < FLAG_PROBABILITY);
  });

  it('never flags a rate at or under the threshold, however many contracts', () => {
    assert.equal(terminationEvidence(150, 1000, 0.3, 0.15).flagged, false);
    assert.equal(terminationEvidence(0, 0, 0.3, 0.15).flagged, false);
  });

  it('adding a closed deal never makes an agent more likely to be flagged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        fc.double({ min: 0.01, max: 0.9, noNaN: true }),
        (terminated, closed, otherTerminated, otherClosed, threshold) => {
          // The tenant's rate counts the agent too: the closed deal lowers both.
          const tenant = (t: number, c: number) => (t + otherTerminated) / Math.max(1, t + c + otherTerminated + otherClosed);
          const before = terminationEvidence(terminated, terminated + closed, tenant(terminated, closed), threshold);
          const after = terminationEvidence(terminated, terminated + closed + 1, tenant(terminated, closed + 1), threshold);
          return after.probability <= before.probability + 1e-12 && (!after.flagged || before.flagged);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('one rule for the import warning and the summary', () => {
  it('warns at import about exactly the agents the summary of that month flags', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ deals: fc.integer({ min: 0, max: 30 }), terminations: fc.integer({ min: 0, max: 12 }) }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(0.1, 0.15, 0.25),
        (agents, threshold) => {
          const month: CommissionMonth = {
            month: '2025-09',
            agents: agents.map((agent, i) => ({ name: `Agent ${i}`, type: 'acq', gp: 1000 * agent.deals, deals: agent.deals, terminations: agent.terminations, commission: 100 * agent.deals })),
          };
          const warned = checkMonth(month, { terminationThreshold: threshold, today: new Date('2025-10-15T00:00:00Z') })
            .warnings.flatMap((warning) => /^Agent '(.+)' termination rate/.exec(warning)?.[1] ?? []);
          const flagged = problemAgents(rollupFromHistory([historyMonthFromImport(month)]), { from: '2025-09', to: '2025-09' }, { termination_threshold: threshold })
            .problem_agent_details.filter((detail) => detail.rule === 'termination_rate')
            .map((detail) => detail.name);
          assert.deepEqual([...warned].sort(), [...flagged].sort());
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('one rule for the closings import warning and the summary', () => {
  const closingsMonth = (agents: { closed: number; terminated: number }[]): ClosingsMonth => ({
    month: '2025-09',
    closings: agents.flatMap((agent, i) => [
      ...Array.from({ length: agent.closed }, () => ({ gp: 1000, status: 'closed' as const, sides: [{ role: 'acq' as const, agent: `Agent ${i}` }] })),
      ...Array.from({ length: agent.terminated }, () => ({ gp: 0, status: 'terminated' as const, sides: [{ role: 'acq' as const, agent: `Agent ${i}` }] })),
    ]),
  });
  const warned = (month: ClosingsMonth, threshold: number) =>
    terminationWarnings(rollupFromClosings(month).agents.map((agent) => ({ name: agent.name, terminated: agent.terminated, contracts: agent.closed + agent.terminated })), threshold)
      .map((warning) => /^Agent '(.+)' termination rate/.exec(warning)![1]!);
  const flagged = (month: ClosingsMonth, threshold: number) =>
    problemAgents([rollupFromClosings(month)], { from: '2025-09', to: '2025-09' }, { termination_threshold: threshold })
      .problem_agent_details.filter((detail) => detail.rule === 'termination_rate').map((detail) => detail.name);
  const agentsArb = fc.array(fc.record({ closed: fc.integer({ min: 0, max: 20 }), terminated: fc.integer({ min: 0, max: 8 }) }), { minLength: 1, maxLength: 8 });

  it('warns at import about exactly the agents the summary of that month flags', () => {
    fc.assert(
      fc.property(agentsArb, fc.constantFrom(0.1, 0.15, 0.25), (agents, threshold) => {
        const month = closingsMonth(agents);
        assert.deepEqual(warned(month, threshold).sort(), flagged(month, threshold).sort());
      }),
      { numRuns: 100 },
    );
  });

  it('a closed deal added to the month never flags an agent the summary did not flag before', () => {
    fc.assert(
      fc.property(agentsArb, fc.nat(), fc.constantFrom(0.1, 0.15, 0.25), (agents, pick, threshold) => {
        const who = pick % agents.length;
        const before = flagged(closingsMonth(agents), threshold);
        const after = flagged(closingsMonth(agents.map((agent, i) => (i === who ? { ...agent, closed: agent.closed + 1 } : agent))), threshold);
        return !after.includes(`Agent ${who}`) || before.includes(`Agent ${who}`);
      }),
      { numRuns: 200 },
    );
  });
});
