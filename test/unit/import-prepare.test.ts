import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { checkMonth } from '../../src/domain/imports/check.js';
import type { CommissionMonth } from '../../src/domain/imports/format.js';
import { monthTextHash, prepareMonth, type PreparedRows } from '../../src/domain/imports/prepare.js';

const options = { terminationThreshold: 0.15, today: new Date('2025-10-15T12:00:00Z') };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * A small month shaped like a real one:
 * - Zoe Park twice (acq, Phoenix, under Mia Lopez; then dispo, Dallas, under Raj Iyer, who is named
 *   only by her): the last row is the one the agents table keeps.
 * - Ana Cole states 3 terminations although deals[] has 1 terminated deal of hers: the 3 wins.
 * - Bo Tran has no deals at all: 0 terminations, not null, since deals[] is given.
 * - deal D6 names 'ana cole': the checks match it to Ana Cole (names compare case-insensitively),
 *   but no agent of the month is spelt that way, so it is not `listed`.
 * - Kim Sato is a manager without GP; Phoenix is placed twice, the second mention wins.
 */
function month(): CommissionMonth {
  return {
    month: '2025-09',
    metadata: { total_gp: 42500.1, total_transactions: 3, commission_pct: 11.3 },
    agents: [
      { name: 'Zoe Park', type: 'acq', gp: 30000.1, deals: 2, commission: 3000.01, market: 'Phoenix, AZ', manager: 'Mia Lopez' },
      { name: 'Ana Cole', type: 'dispo', gp: 12000, deals: 1, commission: 1200.5, terminations: 3 },
      { name: 'Zoe Park', type: 'dispo', gp: 500, deals: 0, commission: 50, terminations: 0, market: 'Dallas, TX', manager: 'Raj Iyer' },
      { name: 'Bo Tran', type: 'acq', gp: 0, deals: 0, commission: 0, market: 'Phoenix, AZ' },
    ],
    managers: [
      { name: 'Mia Lopez', gp: 30000.1, commission: 450.25, team: ['Zoe Park'] },
      { name: 'Kim Sato', commission: 100 },
    ],
    deals: [
      { id: 'D1', date: '2025-09-02', agent: 'Zoe Park', type: 'acq', market: 'Phoenix, AZ', gp: 15000.05, status: 'closed' },
      { id: 'D2', date: '2025-09-03', agent: 'Zoe Park', type: 'acq', gp: 15000.05, status: 'closed' },
      { id: 'D3', date: '2025-09-04', agent: 'Zoe Park', type: 'acq', market: 'Tucson, AZ', gp: 0, status: 'terminated' },
      { id: 'D4', date: '2025-09-05', agent: 'Zoe Park', type: 'acq', gp: 0, status: 'terminated' },
      { id: 'D5', date: '2025-09-06', agent: 'Ana Cole', type: 'dispo', gp: 0, status: 'terminated' },
      { id: 'D6', date: '2025-09-07', agent: 'ana cole', type: 'dispo', market: 'Mesa, AZ', gp: 12000, status: 'closed' },
    ],
    markets: [
      { name: 'Phoenix, AZ', lat: 33.4, lon: -112.1 },
      { name: 'Dallas, TX', lat: 32.8, lon: -96.8 },
      { name: 'Phoenix, AZ', lat: 33.45, lon: -112.07 },
    ],
  };
}

function rowsOf(input: CommissionMonth): PreparedRows {
  const prepared = prepareMonth(input, options);
  assert.deepEqual(prepared.errors, []);
  assert.ok(prepared.rows, 'a month without errors has rows');
  return prepared.rows;
}

describe('monthTextHash', () => {
  it('is the SHA-256 of the text, in hex', () => {
    // The FIPS 180-2 test vector for "abc".
    assert.equal(monthTextHash('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.notEqual(monthTextHash('abd'), monthTextHash('abc'));
  });
});

describe('prepareMonth: refusals', () => {
  it('a month with errors has no rows, but its errors, warnings, canonical text and hash', () => {
    // Agent fields out of the contract's order: the text puts them back in it.
    const input = {
      month: '2025-11',
      agents: [{ commission: 5, deals: 1, gp: 1.234, type: 'acq', name: 'Kyle' }],
    } as CommissionMonth;
    const prepared = prepareMonth(input, options);
    const text = '{"month":"2025-11","agents":[{"name":"Kyle","type":"acq","gp":1.234,"deals":1,"commission":5}]}';
    assert.deepEqual(prepared, {
      month: '2025-11',
      errors: [{ pointer: '/agents/0/gp', message: 'must be an amount with at most 2 decimals and below 10000000000000 in magnitude' }],
      // 2025-11 is after October 2025, "today".
      warnings: ['Month 2025-11 is in the future'],
      documentText: text,
      hash: sha256(text),
      rows: null,
    });
  });

  it('every kind of error refuses the rows: a bad month, a deal of nobody, a repeated deal id, a deal outside the month', () => {
    const good = month();
    const broken: CommissionMonth[] = [
      { ...good, month: '2025-13' },
      { ...good, deals: [...good.deals!, { id: 'D9', date: '2025-09-09', agent: 'Nobody', type: 'acq', gp: 1, status: 'closed' }] },
      { ...good, deals: [...good.deals!, { ...good.deals![0]! }] },
      { ...good, deals: [{ ...good.deals![0]!, date: '2025-08-31' }] },
      { ...good, managers: [{ name: 'Mia Lopez', commission: 0.001 }] },
    ];
    for (const input of broken) {
      const prepared = prepareMonth(input, options);
      assert.equal(prepared.rows, null, JSON.stringify(input).slice(0, 80));
      assert.equal(prepared.errors.length, 1);
      assert.deepEqual(prepared.errors, checkMonth(input, options).errors);
      assert.equal(prepared.hash, sha256(prepared.documentText));
      assert.equal(prepared.month, input.month);
    }
  });
});

describe('prepareMonth: the canonical text and its hash', () => {
  it('the same month with its keys in another order gives the same text and hash; another month does not', () => {
    const input = month();
    const reordered = JSON.parse(
      JSON.stringify({
        markets: input.markets!.map(({ lon, lat, name }) => ({ lon, lat, name })),
        deals: input.deals!.map(({ status, gp, market, type, agent, date, id }) => ({ status, gp, market, type, agent, date, id })),
        managers: input.managers!.map(({ team, commission, gp, name }) => ({ team, commission, gp, name })),
        agents: input.agents.map(({ manager, market, terminations, commission, deals, gp, type, name }) => ({ manager, market, terminations, commission, deals, gp, type, name })),
        metadata: { commission_pct: 11.3, total_transactions: 3, total_gp: 42500.1 },
        month: '2025-09',
      }),
    ) as CommissionMonth;
    const a = prepareMonth(input, options);
    const b = prepareMonth(reordered, options);
    assert.equal(b.documentText, a.documentText);
    assert.equal(b.hash, a.hash);
    assert.equal(a.hash, sha256(a.documentText));
    assert.match(a.hash, /^[0-9a-f]{64}$/);
    // The contract's order: month, metadata, agents, managers, deals, markets.
    assert.ok(a.documentText.startsWith('{"month":"2025-09","metadata":{"total_gp":42500.1,"total_transactions":3,"commission_pct":11.3},"agents":[{"name":"Zoe Park","type":"acq","gp":30000.1,'));
    assert.ok(a.documentText.endsWith(',"markets":[{"name":"Phoenix, AZ","lat":33.4,"lon":-112.1},{"name":"Dallas, TX","lat":32.8,"lon":-96.8},{"name":"Phoenix, AZ","lat":33.45,"lon":-112.07}]}'));

    const other = prepareMonth({ ...input, agents: [{ ...input.agents[0]!, gp: 30000.2 }, ...input.agents.slice(1)] }, options);
    assert.notEqual(other.hash, a.hash);
  });
});

describe('prepareMonth: the rows', () => {
  it('passes the checks\' warnings on with the rows', () => {
    const prepared = prepareMonth(month(), options);
    assert.deepEqual(prepared.errors, []);
    assert.ok(prepared.warnings.includes("Duplicate agent name 'Zoe Park'"), prepared.warnings.join('\n'));
    assert.deepEqual(prepared.warnings, checkMonth(month(), options).warnings);
    assert.equal(prepared.month, '2025-09');
  });

  it('totals in exact decimal text and whole cents', () => {
    // GP: 30000.10 + 12000.00 + 500.00 + 0.00 = 42500.10 (managers' GP is not the month's).
    // Commission: agents 3000.01 + 1200.50 + 50.00 + 0.00 = 4250.51, managers 450.25 + 100.00 = 550.25: 4800.76.
    // Terminations: Zoe Park (first) 2 counted from D3 and D4, Ana Cole 3 as stated, Zoe Park
    // (second) 0 as stated, Bo Tran 0: 5. Transactions are the agents' deals: 2 + 1 + 0 + 0.
    const rows = rowsOf(month());
    assert.deepEqual(rows.totals, {
      gp: '42500.10',
      commission: '4800.76',
      gpCents: 4_250_010,
      commissionCents: 480_076,
      agents: 4,
      managers: 2,
      transactions: 3,
      terminations: 5,
    });
    assert.equal(rows.totalCommission, 4800.76);
    assert.equal(rows.deals, 6);
  });

  it('one payee row per agent (in file order, repeats kept) and per manager', () => {
    const rows = rowsOf(month());
    assert.equal(typeof rows.payeesJson, 'string');
    assert.deepEqual(JSON.parse(rows.payeesJson), [
      { payee_type: 'agent', position: 0, name: 'Zoe Park', agent_type: 'acq', gp: '30000.10', deals: 2, terminations: 2, commission: '3000.01', market: 'Phoenix, AZ', manager: 'Mia Lopez' },
      { payee_type: 'agent', position: 1, name: 'Ana Cole', agent_type: 'dispo', gp: '12000.00', deals: 1, terminations: 3, commission: '1200.50', market: null, manager: null },
      { payee_type: 'agent', position: 2, name: 'Zoe Park', agent_type: 'dispo', gp: '500.00', deals: 0, terminations: 0, commission: '50.00', market: 'Dallas, TX', manager: 'Raj Iyer' },
      { payee_type: 'agent', position: 3, name: 'Bo Tran', agent_type: 'acq', gp: '0.00', deals: 0, terminations: 0, commission: '0.00', market: 'Phoenix, AZ', manager: null },
      { payee_type: 'manager', position: 0, name: 'Mia Lopez', agent_type: null, gp: '30000.10', deals: null, terminations: null, commission: '450.25', market: null, manager: null },
      { payee_type: 'manager', position: 1, name: 'Kim Sato', agent_type: null, gp: null, deals: null, terminations: null, commission: '100.00', market: null, manager: null },
    ]);
  });

  it('one agent per name, the last occurrence winning, sorted by name', () => {
    const rows = rowsOf(month());
    // File order is Zoe, Ana, Zoe, Bo; the second Zoe Park (dispo, Dallas, Raj Iyer) is kept.
    assert.deepEqual(JSON.parse(rows.agentsJson), [
      { name: 'Ana Cole', type: 'dispo', market: null, manager: null },
      { name: 'Bo Tran', type: 'acq', market: 'Phoenix, AZ', manager: null },
      { name: 'Zoe Park', type: 'dispo', market: 'Dallas, TX', manager: 'Raj Iyer' },
    ]);
  });

  it('sorts agents by code unit, as the lock order needs, whatever the file order', () => {
    const agent = (name: string) => ({ name, type: 'acq' as const, gp: 1, deals: 0, commission: 0 });
    const rows = rowsOf({ month: '2025-09', agents: ['b', 'C', 'a', 'B', 'c', 'A'].map(agent) });
    // Upper case sorts before lower case in UTF-16: A B C a b c.
    assert.deepEqual(
      (JSON.parse(rows.agentsJson) as { name: string }[]).map((a) => a.name),
      ['A', 'B', 'C', 'a', 'b', 'c'],
    );
  });

  it('every manager named: the listed ones, then each agent\'s, repeats kept', () => {
    assert.deepEqual(rowsOf(month()).managerNames, ['Mia Lopez', 'Kim Sato', 'Mia Lopez', 'Raj Iyer']);
  });

  it('every market named, agents\' first, then deals\'; the coordinates given, one per market, the last winning', () => {
    const rows = rowsOf(month());
    assert.deepEqual(rows.marketNames, ['Phoenix, AZ', 'Dallas, TX', 'Phoenix, AZ', 'Phoenix, AZ', 'Tucson, AZ', 'Mesa, AZ']);
    assert.deepEqual(rows.placedMarkets, [
      { name: 'Phoenix, AZ', lat: 33.45, lon: -112.07 },
      { name: 'Dallas, TX', lat: 32.8, lon: -96.8 },
    ]);
  });

  it('one deal row per deal, `listed` only for a name spelt as an agent of the month', () => {
    assert.deepEqual(JSON.parse(rowsOf(month()).dealsJson), [
      { deal_id: 'D1', deal_date: '2025-09-02', agent: 'Zoe Park', listed: true, type: 'acq', market: 'Phoenix, AZ', gp: '15000.05', status: 'closed' },
      { deal_id: 'D2', deal_date: '2025-09-03', agent: 'Zoe Park', listed: true, type: 'acq', market: null, gp: '15000.05', status: 'closed' },
      { deal_id: 'D3', deal_date: '2025-09-04', agent: 'Zoe Park', listed: true, type: 'acq', market: 'Tucson, AZ', gp: '0.00', status: 'terminated' },
      { deal_id: 'D4', deal_date: '2025-09-05', agent: 'Zoe Park', listed: true, type: 'acq', market: null, gp: '0.00', status: 'terminated' },
      { deal_id: 'D5', deal_date: '2025-09-06', agent: 'Ana Cole', listed: true, type: 'dispo', market: null, gp: '0.00', status: 'terminated' },
      { deal_id: 'D6', deal_date: '2025-09-07', agent: 'ana cole', listed: false, type: 'dispo', market: 'Mesa, AZ', gp: '12000.00', status: 'closed' },
    ]);
  });

  it('the metadata as JSON text, or null without it', () => {
    assert.equal(rowsOf(month()).metadataJson, '{"total_gp":42500.1,"total_transactions":3,"commission_pct":11.3}');
    const { metadata: _, ...bare } = month();
    assert.equal(rowsOf(bare).metadataJson, null);
  });

  it('the month\'s roll-up, from the same month', () => {
    const rollup = JSON.parse(rowsOf(month()).rollupJson) as Record<string, unknown> & { agents: { name: string; manager: string | null; terminated: number }[] };
    assert.equal(rollup.month, '2025-09');
    assert.equal(rollup.gp, 4_250_010);
    assert.equal(rollup.commission, 480_076);
    assert.equal(rollup.agent_commission, 425_051);
    assert.equal(rollup.manager_commission, 55_025);
    assert.equal(rollup.closed, 3);
    assert.equal(rollup.terminated, 5);
    assert.deepEqual(
      rollup.agents.map(({ name, manager, terminated }) => ({ name, manager, terminated })),
      [
        { name: 'Zoe Park', manager: 'Mia Lopez', terminated: 2 },
        { name: 'Ana Cole', manager: null, terminated: 3 },
        { name: 'Zoe Park', manager: 'Raj Iyer', terminated: 0 },
        { name: 'Bo Tran', manager: null, terminated: 0 },
      ],
    );
  });

  it('without deals[]: terminations not stated are null (unknown), stated ones kept, and no deal rows', () => {
    const { deals: _deals, markets: _markets, managers: _managers, ...payees } = month();
    const rows = rowsOf(payees);
    assert.deepEqual(
      (JSON.parse(rows.payeesJson) as { name: string; terminations: number | null }[]).map(({ name, terminations }) => [name, terminations]),
      [
        ['Zoe Park', null],
        ['Ana Cole', 3],
        ['Zoe Park', 0],
        ['Bo Tran', null],
      ],
    );
    // Only Ana Cole's stated 3 (and the second Zoe Park's 0) count.
    assert.equal(rows.totals.terminations, 3);
    assert.equal(rows.dealsJson, '[]');
    assert.equal(rows.deals, 0);
    // Agents' markets only; no coordinates; managers only as the agents name them.
    assert.deepEqual(rows.marketNames, ['Phoenix, AZ', 'Dallas, TX', 'Phoenix, AZ']);
    assert.deepEqual(rows.placedMarkets, []);
    assert.deepEqual(rows.managerNames, ['Mia Lopez', 'Raj Iyer']);
    // Without managers the month's commission is the agents': 4250.51.
    assert.equal(rows.totals.commission, '4250.51');
    assert.equal(rows.totals.managers, 0);
    assert.equal(rows.totalCommission, 4250.51);
  });

  it('terminated deals are counted per agent, by the name the deal gives', () => {
    const rows = rowsOf({
      month: '2025-09',
      agents: [
        { name: 'Ana', type: 'acq', gp: 0, deals: 0, commission: 0 },
        { name: 'Bea', type: 'acq', gp: 0, deals: 0, commission: 0 },
        { name: 'Cy', type: 'acq', gp: 0, deals: 0, commission: 0 },
      ],
      deals: [
        { id: '1', date: '2025-09-01', agent: 'Bea', type: 'acq', gp: 0, status: 'terminated' },
        { id: '2', date: '2025-09-01', agent: 'Ana', type: 'acq', gp: 0, status: 'terminated' },
        { id: '3', date: '2025-09-01', agent: 'Bea', type: 'acq', gp: 0, status: 'terminated' },
        { id: '4', date: '2025-09-01', agent: 'Bea', type: 'acq', gp: 0, status: 'terminated' },
      ],
    });
    // Ana 1, Bea 3, Cy none of them: 0.
    assert.deepEqual(
      (JSON.parse(rows.payeesJson) as { terminations: number }[]).map((payee) => payee.terminations),
      [1, 3, 0],
    );
    assert.equal(rows.totals.terminations, 4);
  });

  it('negative amounts (clawbacks) keep their sign in the decimal text', () => {
    const rows = rowsOf({
      month: '2025-09',
      agents: [{ name: 'Ana', type: 'acq', gp: -250.5, deals: 1, commission: -20.05 }],
      deals: [{ id: '1', date: '2025-09-01', agent: 'Ana', type: 'acq', gp: -250.5, status: 'closed' }],
    });
    assert.deepEqual(rows.totals, { gp: '-250.50', commission: '-20.05', gpCents: -25_050, commissionCents: -2005, agents: 1, managers: 0, transactions: 1, terminations: 0 });
    assert.equal((JSON.parse(rows.dealsJson) as { gp: string }[])[0]!.gp, '-250.50');
    assert.equal(rows.totalCommission, -20.05);
  });
});
