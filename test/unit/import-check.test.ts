import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMonth, isValidDate, isValidMonth, type CheckOptions } from '../../src/domain/imports/check.js';
import type { CommissionMonth, ImportAgent, ImportDeal, ImportManager } from '../../src/domain/imports/format.js';
import { toAmount } from '../../src/domain/money.js';

const options: CheckOptions = { terminationThreshold: 0.15, today: new Date('2025-10-15T12:00:00Z') };

function agent(name: string, overrides: Partial<ImportAgent> = {}): ImportAgent {
  return { name, type: 'acq', gp: 20000, deals: 2, commission: 2000, ...overrides };
}

function month(overrides: Partial<CommissionMonth> = {}): CommissionMonth {
  return {
    month: '2025-09',
    agents: [agent('Kyle Singer'), agent('Dana Ruiz', { type: 'dispo' })],
    ...overrides,
  };
}

function deal(id: string, agentName: string, overrides: Partial<ImportDeal> = {}): ImportDeal {
  return { id, date: '2025-09-14', agent: agentName, type: 'acq', gp: 10000, status: 'closed', ...overrides };
}

/**
 * The contract's example month: 30 agents, 8 managers, GP 682,043 over 59 transactions, commission
 * 97,539.31 (14.3 %), and Chris Chambers terminating 5 of 26 contracts.
 */
function exampleMonth(): CommissionMonth {
  const agents: ImportAgent[] = Array.from({ length: 29 }, (_, i) =>
    agent(`Agent ${String(i + 1).padStart(2, '0')}`, { deals: i < 9 ? 2 : 1, gp: 22000, commission: 3000, type: i % 2 ? 'dispo' : 'acq' }),
  );
  agents.push(agent('Chris Chambers', { gp: 44043, deals: 21, terminations: 5, commission: 3000 }));
  const managers: ImportManager[] = Array.from({ length: 8 }, (_, i) => ({
    name: `Manager ${i + 1}`,
    commission: i < 7 ? 1000 : 539.31,
    team: agents.filter((_, j) => j % 8 === i).map((a) => a.name),
  }));
  return {
    month: '2025-09',
    metadata: { total_gp: 682043, total_transactions: 59, commission_pct: 14.3 },
    agents,
    managers,
  };
}

describe('checkMonth: the contract example', () => {
  it('totals exactly; 5 of 26 contracts terminated is no evidence of a rate above 15%', () => {
    const result = checkMonth(exampleMonth(), options);
    assert.deepEqual(result.errors, []);
    // Chris Chambers' 19.2% is above the threshold, but with the month's own 5 of 64 (7.8%) as the
    // prior he is only about 50% likely to terminate more than 15% of his contracts: no warning
    // (termination-evidence.ts; the summary of the month agrees).
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.totals, {
      agents: 30,
      managers: 8,
      gpCents: 68_204_300,
      commissionCents: 9_753_931,
      transactions: 59,
    });
    assert.equal(toAmount(result.totals.commissionCents), 97539.31);
  });

  it('treats absent managers as none and defaults the threshold to 15%', () => {
    const input = month({ agents: [agent('Kyle Singer', { deals: 17, terminations: 3 }), agent('Ann Lee', { deals: 2, terminations: 8 })] });
    const result = checkMonth(input, { today: options.today });
    // 3 of 20 is exactly 15%: not above. 8 of 10 is 80.0%, and with the month's 11 of 30 as the
    // prior over 99% likely above 15%.
    assert.deepEqual(result.warnings, ["Agent 'Ann Lee' termination rate (80.0%) above threshold"]);
    assert.equal(result.totals.managers, 0);
  });
});

describe('checkMonth: errors', () => {
  it('rejects amounts with more than 2 decimals or out of range, with pointers', () => {
    const input = month({
      metadata: { total_gp: 40000.001 },
      agents: [agent('A'), agent('B'), agent('C'), agent('D', { gp: 1.005, commission: 1e13 })],
      managers: [{ name: 'M', commission: 0.1 + 0.2, gp: -1e13 }],
      deals: [
        deal('D-1', 'A'),
        deal('D-2', 'A'),
        deal('D-3', 'B'),
        deal('D-4', 'B'),
        deal('D-5', 'C'),
        deal('D-6', 'C', { gp: 12.345 }),
      ],
    });
    const pointers = checkMonth(input, options).errors.map((e) => e.pointer);
    assert.deepEqual(pointers.sort(), [
      '/agents/3/commission',
      '/agents/3/gp',
      '/deals/5/gp',
      '/managers/0/commission',
      '/managers/0/gp',
      '/metadata/total_gp',
    ]);
    const message = checkMonth(input, options).errors[0]?.message;
    assert.equal(message, 'must be an amount with at most 2 decimals and below 10000000000000 in magnitude');
  });

  it('rejects a month that is not a real YYYY-MM', () => {
    for (const bad of ['2025-13', '2025-00', '2025-9', '25-09', '2025-09-01', '0000-01']) {
      const result = checkMonth(month({ month: bad }), options);
      assert.deepEqual(result.errors, [{ pointer: '/month', message: `'${bad}' is not a real month (YYYY-MM)` }], bad);
    }
  });

  it('rejects deal dates that are not real or not inside the month', () => {
    const input = month({
      deals: [
        deal('D-1', 'Kyle Singer', { date: '2025-02-30' }),
        deal('D-2', 'Kyle Singer', { date: '2025-10-01' }),
        deal('D-3', 'Kyle Singer', { date: '14/09/2025' }),
      ],
    });
    assert.deepEqual(checkMonth(input, options).errors, [
      { pointer: '/deals/0/date', message: "'2025-02-30' is not a real date (YYYY-MM-DD)" },
      { pointer: '/deals/1/date', message: '2025-10-01 is not inside month 2025-09' },
      { pointer: '/deals/2/date', message: "'14/09/2025' is not a real date (YYYY-MM-DD)" },
    ]);
  });

  it('rejects duplicate deal ids, unknown agents and types that differ from the agent', () => {
    const input = month({
      deals: [
        deal('D-1', 'Kyle Singer'),
        deal('D-1', 'Kyle Singer'),
        deal('D-2', 'Nobody'),
        deal('D-3', 'Dana Ruiz', { type: 'acq' }),
        // Names match trimmed and case-insensitively.
        deal('D-4', ' dana ruiz ', { type: 'dispo' }),
      ],
    });
    assert.deepEqual(checkMonth(input, options).errors, [
      { pointer: '/deals/1/id', message: "Duplicate deal id 'D-1' (first at /deals/0)" },
      { pointer: '/deals/2/agent', message: "'Nobody' is not an agent of this month" },
      { pointer: '/deals/3/type', message: "Deal type 'acq' differs from agent 'Dana Ruiz' type 'dispo'" },
    ]);
  });

  it('rejects counts that are not whole numbers (when called without the schema)', () => {
    const input = month({ agents: [agent('A', { deals: 1.5, terminations: -1 })] });
    assert.deepEqual(
      checkMonth(input, options).errors.map((e) => e.pointer),
      ['/agents/0/deals', '/agents/0/terminations'],
    );
  });

  it('collects every error instead of stopping at the first', () => {
    const input = month({
      month: '2025-13',
      metadata: { total_gp: 0.001 },
      agents: [agent('A', { gp: 0.001, commission: 0.001 })],
      managers: [{ name: 'M', commission: 0.001 }],
      deals: [deal('D-1', 'A', { date: '2025-13-01', gp: 0.001 }), deal('D-1', 'Z', { type: 'dispo' })],
    });
    assert.deepEqual(checkMonth(input, options).errors.map((e) => e.pointer), [
      '/month',
      '/agents/0/gp',
      '/agents/0/commission',
      '/managers/0/commission',
      '/deals/0/gp',
      '/deals/0/date',
      '/deals/1/id',
      '/deals/1/agent',
      '/metadata/total_gp',
    ]);
  });
});

describe('checkMonth: warnings', () => {
  it('flags a termination rate the evidence puts above the threshold, rounding half-up to one decimal', () => {
    // 11 of 16 is 68.75%, shown 68.8%; 1 of 21 is well under 15%.
    const input = month({ agents: [agent('Chris Chambers', { deals: 5, terminations: 11 }), agent('Ok', { deals: 20, terminations: 1 })] });
    assert.deepEqual(checkMonth(input, options).warnings, ["Agent 'Chris Chambers' termination rate (68.8%) above threshold"]);
  });

  it('weighs the evidence: 5 of 6 is warned about, 1 of 2 and 1 of 3 are not', () => {
    // The month's own rate, 7 of 36, is the prior: 5 of 6 is over 99% likely above 15%;
    // 1 of 2 and 1 of 3 are about 50% likely (one bad deal in two or three is no evidence).
    const input = month({
      agents: [
        agent('Five of six', { deals: 1, terminations: 5 }),
        agent('One of two', { deals: 1, terminations: 1 }),
        agent('One of three', { deals: 2, terminations: 1 }),
        agent('Steady', { deals: 25, terminations: 0 }),
      ],
    });
    assert.deepEqual(checkMonth(input, options).warnings, ["Agent 'Five of six' termination rate (83.3%) above threshold"]);
  });

  it('uses the tenant threshold', () => {
    // 6 of 10 with the month at 6 of 50 (12%): the rate is surely above 15%, not above 50%.
    const input = month({ agents: [agent('Q', { deals: 4, terminations: 6 }), agent('Ok', { deals: 40, terminations: 0 })] });
    assert.deepEqual(checkMonth(input, { ...options, terminationThreshold: 0.15 }).warnings, ["Agent 'Q' termination rate (60.0%) above threshold"]);
    assert.deepEqual(checkMonth(input, { ...options, terminationThreshold: 0.5 }).warnings, []);
  });

  it('counts terminated deals when the agent gives no terminations figure', () => {
    const input = month({
      agents: [agent('Kyle Singer', { deals: 1, gp: 10000 })],
      deals: [
        deal('D-1', 'Kyle Singer'),
        ...['D-2', 'D-3', 'D-4', 'D-5'].map((id) => deal(id, 'Kyle Singer', { status: 'terminated', gp: 0 })),
      ],
    });
    assert.deepEqual(checkMonth(input, options).warnings, ["Agent 'Kyle Singer' termination rate (80.0%) above threshold"]);
  });

  it('reports metadata that disagrees with the payees', () => {
    const input = month({
      // Computed: commission 4000 of GP 40000 is 10.0%.
      metadata: { total_gp: 682043, total_transactions: 59, commission_pct: 14.3 },
    });
    assert.deepEqual(checkMonth(input, options).warnings, [
      'Metadata total_gp (682043.00) differs from the sum of agent GP (40000.00)',
      'Metadata total_transactions (59) differs from the sum of agent deals (4)',
      'Metadata commission_pct (14.3) differs from the computed commission % of GP (10)',
    ]);
  });

  it('compares commission_pct at one decimal and counts manager commission', () => {
    const managers: ImportManager[] = [{ name: 'M', commission: 1720 }];
    // (4000 + 1720) / 40000 = 14.3% exactly; 14.25 rounds half-up to 14.3 as well.
    for (const pct of [14.3, 14.25, 14.34]) {
      assert.deepEqual(checkMonth(month({ managers, metadata: { commission_pct: pct } }), options).warnings, [], String(pct));
    }
    assert.deepEqual(checkMonth(month({ managers, metadata: { commission_pct: 14.2 } }), options).warnings, [
      'Metadata commission_pct (14.2) differs from the computed commission % of GP (14.3)',
    ]);
  });

  it('agrees with matching metadata', () => {
    const input = month({ metadata: { total_gp: 40000, total_transactions: 4, commission_pct: 10 } });
    assert.deepEqual(checkMonth(input, options).warnings, []);
  });

  it('flags commission above GP for agents and for managers with GP', () => {
    const input = month({
      agents: [agent('Kyle Singer', { gp: 1000, commission: 1000.01 }), agent('Clawback', { gp: -250, commission: 0 })],
      managers: [
        { name: 'Mia', gp: 500, commission: 750.5 },
        { name: 'No GP', commission: 999999 },
      ],
    });
    assert.deepEqual(checkMonth(input, options).warnings, [
      "Agent 'Kyle Singer' commission (1000.01) exceeds GP (1000.00)",
      "Agent 'Clawback' commission (0.00) exceeds GP (-250.00)",
      "Manager 'Mia' commission (750.50) exceeds GP (500.00)",
    ]);
  });

  it('flags duplicate names, trimmed and case-insensitively, once per name', () => {
    const input = month({
      agents: [agent('Kyle Singer'), agent(' kyle singer'), agent('KYLE SINGER '), agent('Dana')],
      managers: [
        { name: 'Mia', commission: 1 },
        { name: 'MIA ', commission: 1 },
        // An agent who is also a manager is not a duplicate.
        { name: 'Dana', commission: 1 },
      ],
    });
    assert.deepEqual(checkMonth(input, options).warnings, ["Duplicate agent name 'Kyle Singer'", "Duplicate manager name 'Mia'"]);
  });

  it('flags a month in the future, in UTC', () => {
    assert.deepEqual(checkMonth(month({ month: '2027-01' }), options).warnings, ['Month 2027-01 is in the future']);
    assert.deepEqual(checkMonth(month({ month: '2025-10' }), options).warnings, []);
    // 23:30 on 31 October in New York is already November in UTC.
    const lateEvening = { ...options, today: new Date('2025-11-01T03:30:00Z') };
    assert.deepEqual(checkMonth(month({ month: '2025-11' }), lateEvening).warnings, []);
    const beforeMidnightUtc = { ...options, today: new Date('2025-10-31T23:59:59Z') };
    assert.deepEqual(checkMonth(month({ month: '2025-11' }), beforeMidnightUtc).warnings, ['Month 2025-11 is in the future']);
  });

  it('flags aggregates that deals[] contradicts', () => {
    const input = month({
      agents: [
        agent('Kyle Singer', { deals: 3, gp: 25000.5, terminations: 0 }),
        agent('Dana Ruiz', { type: 'dispo', deals: 1, gp: 10000 }),
      ],
      deals: [
        deal('D-1', 'Kyle Singer', { gp: 10000.25 }),
        deal('D-2', 'Kyle Singer', { gp: 5000 }),
        deal('D-3', 'Kyle Singer', { status: 'terminated', gp: 7000 }),
        deal('D-4', 'Dana Ruiz', { type: 'dispo', gp: 10000 }),
      ],
    });
    assert.deepEqual(checkMonth(input, options).warnings, [
      "Agent 'Kyle Singer' reports 3 deals but deals[] has 2 closed",
      "Agent 'Kyle Singer' reports 25000.50 GP but deals[] sums to 15000.25",
      "Agent 'Kyle Singer' reports 0 terminations but deals[] has 1 terminated",
    ]);
  });

  it('leaves aggregates alone when deals[] is absent or empty', () => {
    assert.deepEqual(checkMonth(month({ deals: [] }), options).warnings, []);
    assert.deepEqual(checkMonth(month(), options).warnings, []);
  });

  it("flags a manager's team member who is not an agent of the month", () => {
    const input = month({ managers: [{ name: 'Mia', commission: 100, team: ['kyle singer', 'Ghost'] }] });
    assert.deepEqual(checkMonth(input, options).warnings, ["Manager 'Mia' team member 'Ghost' is not an agent of this month"]);
  });
});

describe('checkMonth: edges (each kills a mutant a mutation run left alive)', () => {
  it('does not flag commission equal to GP, or a manager paid less than their GP', () => {
    const input = month({
      agents: [agent('Kyle Singer', { gp: 1000, commission: 1000 }), agent('Dana Ruiz', { type: 'dispo', gp: 0, commission: 0 })],
      managers: [
        { name: 'Mia', gp: 500, commission: 499.99 },
        { name: 'Ana', gp: 750.5, commission: 750.5 },
      ],
    });
    assert.deepEqual(checkMonth(input, options), {
      errors: [],
      warnings: [],
      // GP 1000 + 0; commission 1000 + 0 + 499.99 + 750.50 = 2250.49, in cents.
      totals: { agents: 2, managers: 2, gpCents: 100000, commissionCents: 225049, transactions: 4 },
    });
  });

  it('gives no warning when deals[] agrees with every aggregate, terminations included', () => {
    const input = month({
      agents: [agent('Kyle Singer', { deals: 2, gp: 15000.25, terminations: 1 }), agent('Dana Ruiz', { type: 'dispo', deals: 1, gp: 10000, terminations: 0 })],
      deals: [
        deal('D-1', 'Kyle Singer', { gp: 10000.25 }),
        deal('D-2', 'Kyle Singer', { gp: 5000 }),
        deal('D-3', 'Kyle Singer', { status: 'terminated', gp: 7000 }),
        deal('D-4', 'Dana Ruiz', { type: 'dispo', gp: 10000 }),
      ],
    });
    // Kyle terminates 1 of 3 contracts (33.3%): under a 50% threshold, so nothing at all to say.
    assert.deepEqual(checkMonth(input, { ...options, terminationThreshold: 0.5 }).warnings, []);
    // At the default 15% too: 1 of 3 is no evidence of a rate above it (termination-evidence.ts).
    assert.deepEqual(checkMonth(input, options).warnings, []);
  });

  it('checks metadata without total_gp field by field', () => {
    // Sum of agent deals is 4; commission 4000 of GP 40000 is 10%.
    const agreeing = checkMonth(month({ metadata: { total_transactions: 4 } }), options);
    assert.deepEqual([agreeing.errors, agreeing.warnings], [[], []]);
    const onlyPct = checkMonth(month({ metadata: { commission_pct: 10 } }), options);
    assert.deepEqual([onlyPct.errors, onlyPct.warnings], [[], []]);
    assert.deepEqual(checkMonth(month({ metadata: {} }), options).warnings, []);
  });

  it('refuses day 00, month 00 and month 13 in deal dates', () => {
    for (const bad of ['2025-09-00', '2025-00-10', '2025-13-10', '0000-09-10', '2025-09-32']) {
      assert.ok(!isValidDate(bad), bad);
      const result = checkMonth(month({ deals: [deal('D-1', 'Kyle Singer', { date: bad })] }), options);
      assert.deepEqual(result.errors, [{ pointer: '/deals/0/date', message: `'${bad}' is not a real date (YYYY-MM-DD)` }], bad);
    }
    for (const good of ['2025-09-01', '2025-01-31', '0001-01-01']) assert.ok(isValidDate(good), good);
    assert.ok(!isValidMonth('2025-00'));
    assert.ok(isValidMonth('2025-01'));
    assert.ok(isValidMonth('0001-01'));
  });

  it('refuses sums of GP or commission too large to total exactly, and only those', () => {
    // The largest amount accepted is 9,999,999,999,999.99 (999,999,999,999,999 cents). Nine of them
    // total 8,999,999,999,999,991 cents, under 2^53 (9,007,199,254,740,992): exact. Ten do not fit.
    const big = 9_999_999_999_999.99;
    const agents = (n: number, field: 'gp' | 'commission') =>
      Array.from({ length: n }, (_, i) => agent(`Agent ${i}`, { [field]: big, ...(field === 'gp' ? { commission: 0 } : { gp: 0 }) }));
    const nine = checkMonth(month({ agents: agents(9, 'gp') }), options);
    assert.deepEqual(nine.errors, []);
    assert.equal(nine.totals.gpCents, 8_999_999_999_999_991);
    assert.deepEqual(checkMonth(month({ agents: agents(10, 'gp') }), options).errors, [
      { pointer: '/agents', message: 'The sum of agent GP is too large to total exactly' },
    ]);
    assert.deepEqual(checkMonth(month({ agents: agents(10, 'commission') }), options).errors, [
      { pointer: '/agents', message: 'The sum of commission is too large to total exactly' },
    ]);
    // Manager commission counts toward the commission total too.
    const managers = Array.from({ length: 10 }, (_, i) => ({ name: `M${i}`, commission: big }));
    assert.deepEqual(checkMonth(month({ managers }), options).errors, [
      { pointer: '/agents', message: 'The sum of commission is too large to total exactly' },
    ]);
  });
});

describe('checkMonth: more edges (string mutants of nameKey, utcMonth and the count message)', () => {
  it('says what is wrong with a count, not only where', () => {
    const input = month({ agents: [agent('A', { deals: 1.5, terminations: -1 })] });
    assert.deepEqual(checkMonth(input, options).errors, [
      { pointer: '/agents/0/deals', message: 'must be a whole number, zero or more' },
      { pointer: '/agents/0/terminations', message: 'must be a whole number, zero or more' },
    ]);
  });

  it('compares months zero-padded: a one-digit "now" month and a three-digit year', () => {
    // Today 15 March 2025 is "2025-03": April is in the future. Unpadded, "2025-3" would sort after
    // "2025-04" and the warning would be lost.
    const march = { ...options, today: new Date('2025-03-15T12:00:00Z') };
    assert.deepEqual(checkMonth(month({ month: '2025-04', deals: [] }), march).warnings, ['Month 2025-04 is in the future']);
    assert.deepEqual(checkMonth(month({ month: '2025-03', deals: [] }), march).warnings, []);
    // Year 999 is "0999": 0999-06 is after 0999-05 (unpadded "999-05" sorts after every "0999-..").
    const year999 = { ...options, today: new Date('0999-05-15T12:00:00Z') };
    assert.deepEqual(checkMonth(month({ month: '0999-06' }), year999).warnings, ['Month 0999-06 is in the future']);
    assert.deepEqual(checkMonth(month({ month: '0999-05' }), year999).warnings, []);
  });

  it('matches names in NFC: a decomposed "Zoë" is the composed one', () => {
    const composed = 'Zo\u00eb Park';
    const decomposed = 'Zoe\u0308 Park';
    assert.notEqual(composed, decomposed);
    const input = month({
      agents: [agent(composed), agent('Dana Ruiz', { type: 'dispo' }), agent(decomposed)],
      deals: [deal('D-1', decomposed, { gp: 20000 })],
    });
    const result = checkMonth(input, options);
    // The deal finds the first Zoë (index 0), so no unknown-agent error; the second is a duplicate.
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings.slice(0, 1), [`Duplicate agent name '${composed}'`]);
  });
});

describe('checkMonth: invalid values raise their error and no warning (survivors of the second mutation run)', () => {
  it('compares no amount or count that failed to parse', () => {
    const input = month({
      metadata: { total_gp: 0.001 },
      agents: [
        agent('Kyle Singer', { gp: 1.005, commission: 5, deals: 1.5 }),
        agent('Dana Ruiz', { type: 'dispo', gp: -5, commission: 1.005 }),
      ],
      managers: [
        { name: 'Mia', gp: 1.005, commission: 5 },
        { name: 'Ana', gp: -5, commission: 1.005 },
      ],
      deals: [deal('D-1', 'Kyle Singer', { gp: 20000 })],
    });
    const result = checkMonth(input, options);
    assert.deepEqual(result.errors.map((e) => e.pointer).sort(), [
      '/agents/0/deals',
      '/agents/0/gp',
      '/agents/1/commission',
      '/managers/0/gp',
      '/managers/1/commission',
      '/metadata/total_gp',
    ]);
    // Only what deals[] says about Dana (2 deals reported, none in deals[]; GP -5.00 against 0.00).
    assert.deepEqual(result.warnings, [
      "Agent 'Dana Ruiz' reports 2 deals but deals[] has 0 closed",
      "Agent 'Dana Ruiz' reports -5.00 GP but deals[] sums to 0.00",
    ]);
  });

  it('names a duplicate as first written, trimmed', () => {
    const input = month({ agents: [agent('  Kyle Singer '), agent('kyle singer')] });
    assert.deepEqual(checkMonth(input, options).warnings, ["Duplicate agent name 'Kyle Singer'"]);
  });

  it('anchors month and date patterns at both ends', () => {
    for (const bad of ['x2025-09', '12025-09']) assert.ok(!isValidMonth(bad), bad);
    for (const bad of ['x2025-09-10', '2025-09-10x', '12025-09-10']) assert.ok(!isValidDate(bad), bad);
  });
});

describe('calendar helpers', () => {
  it('knows real months and dates, leap years included', () => {
    assert.ok(isValidMonth('2025-12'));
    assert.ok(!isValidMonth('2025-13'));
    assert.ok(isValidDate('2024-02-29'));
    assert.ok(isValidDate('2000-02-29'));
    assert.ok(!isValidDate('1900-02-29'));
    assert.ok(!isValidDate('2025-02-29'));
    assert.ok(!isValidDate('2025-04-31'));
    assert.ok(isValidDate('2025-12-31'));
  });
});
