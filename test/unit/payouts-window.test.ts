/**
 * The window a plan measures (src/domain/payouts/window.ts): which credits belong to a person on
 * the plan's roles, what a team scope keeps, and every measure summed over the months, on two
 * months worked by hand; then properties of the sums over random months.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Closing } from '../../src/domain/closings/closing.js';
import type { Credit } from '../../src/domain/closings/credits.js';
import { Exact } from '../../src/domain/plans/exact.js';
import {
  attributeKey,
  lastMonthOnly,
  measureCredits,
  measureOf,
  monthCredits,
  personWindow,
  sumGp,
  sumTransactions,
  teamCredits,
  terminationsOf,
  type MonthCredits,
  type WindowCredit,
} from '../../src/domain/payouts/window.js';

// July: a deal of 1,000 (Ann acq, Bob dispo, Mia manages both sides), a deal of 300.50 with two
// transactions (Ann credited 0.3333 of it: 10,015.665 cents; the house's dispo side managed by Max)
// and a terminated deal of 500 (Ann, Bob). August: a deal of 200 (Ann acq, Cy dispo, Mia both).
const july: Closing[] = [
  {
    gp: 1000,
    attributes: { flat_fee: true, market: 'tx', units: 3 },
    sides: [
      { role: 'acq', agent: 'ann', manager: 'mia' },
      { role: 'dispo', agent: 'bob', manager: 'mia' },
    ],
  },
  {
    gp: 300.5,
    transactions: 2,
    attributes: { market: 'ca' },
    sides: [
      { role: 'acq', agent: 'ann', credit: '0.3333' },
      { role: 'dispo', agent: null, manager: 'max' },
    ],
  },
  {
    gp: 500,
    status: 'terminated',
    sides: [
      { role: 'acq', agent: 'ann' },
      { role: 'dispo', agent: 'bob' },
    ],
  },
];
const august: Closing[] = [
  {
    gp: 200,
    attributes: { market: 'tx' },
    sides: [
      { role: 'acq', agent: 'ann', manager: 'mia' },
      { role: 'dispo', agent: 'cy', manager: 'mia' },
    ],
  },
];
const JULY = monthCredits('2025-07', july, { transactions: 10, gp: 5000 });
const AUGUST = monthCredits('2025-08', august, null);
const months = [JULY, AUGUST];

const text = (value: Exact) => value.toFixed();
const where = (entries: readonly WindowCredit[]) => entries.map(({ month, credit }) => `${month} #${credit.closing} ${credit.kind} ${credit.role}`);

describe('monthCredits', () => {
  it('company totals count each closed deal once; goals default to zero', () => {
    assert.equal(text(JULY.companyGp), '1300.5');
    assert.equal(text(JULY.companyTransactions), '3');
    assert.equal(text(JULY.goalGp), '5000');
    assert.equal(text(JULY.goalTransactions), '10');
    assert.equal(text(AUGUST.goalGp), '0');
    assert.equal(text(AUGUST.goalTransactions), '0');
    assert.equal(JULY.month, '2025-07');
    assert.equal(JULY.credits.length, 8);
  });

  it('groups the credits by person, in closing order, each with its month', () => {
    assert.deepEqual([...JULY.byPerson.keys()], ['ann', 'mia', 'bob', 'max']);
    assert.deepEqual(where(JULY.byPerson.get('ann')!), ['2025-07 #0 agent acq', '2025-07 #1 agent acq', '2025-07 #2 agent acq']);
    assert.deepEqual(where(JULY.byPerson.get('mia')!), ['2025-07 #0 manager acq', '2025-07 #0 manager dispo']);
    assert.deepEqual(where(JULY.byPerson.get('bob')!), ['2025-07 #0 agent dispo', '2025-07 #2 agent dispo']);
  });
});

describe('personWindow', () => {
  it("keeps the person's agent credits on the plan's roles and every credit they manage", () => {
    const ann = personWindow('ann', months, ['acq']);
    assert.deepEqual(where(ann.own), ['2025-07 #0 agent acq', '2025-07 #1 agent acq', '2025-07 #2 agent acq', '2025-08 #0 agent acq']);
    assert.deepEqual(ann.managed, []);
    assert.equal(ann.managerOnly, false);
    assert.equal(ann.person, 'ann');
    assert.equal(ann.months, months);
    assert.deepEqual(personWindow('ann', months, ['dispo']).own, [], 'Ann has no dispo side');
    const mia = personWindow('mia', months, ['manager']);
    assert.deepEqual(mia.own, []);
    assert.deepEqual(where(mia.managed), ['2025-07 #0 manager acq', '2025-07 #0 manager dispo', '2025-08 #0 manager acq', '2025-08 #0 manager dispo']);
    assert.equal(mia.managerOnly, true, 'a plan for managers only');
    assert.equal(personWindow('mia', months, ['acq', 'manager']).managerOnly, false);
    assert.deepEqual(personWindow('nobody', months, ['acq']).own, []);
  });
});

describe('measures over the window', () => {
  const ann = personWindow('ann', months, ['acq']);
  const mia = personWindow('mia', months, ['manager']);

  it("an agent's GP, transactions, deals and terminations, exact", () => {
    // 1,000 + 300.50 × 0.3333 + 0 (terminated) + 200
    assert.equal(text(measureOf(ann, 'gp', null)), '1300.15665');
    assert.equal(text(measureOf(ann, 'transactions', null)), '4');
    assert.equal(text(measureOf(ann, 'deals', null)), '4');
    assert.equal(text(terminationsOf(ann)), '1');
    assert.equal(text(terminationsOf(mia)), '0');
  });

  it('company totals and goals over the months, whoever the person', () => {
    assert.equal(text(measureOf(ann, 'company_gp', null)), '1500.5');
    assert.equal(text(measureOf(ann, 'company_transactions', null)), '4');
    assert.equal(text(measureOf(mia, 'goal_gp', null)), '5000');
    assert.equal(text(measureOf(mia, 'goal_transactions', null)), '10');
  });

  it("a managers-only plan's GP and counts are the team's; otherwise team_gp is", () => {
    assert.equal(text(measureOf(mia, 'gp', null)), '2400');
    assert.equal(text(measureOf(mia, 'team_gp', null)), '2400');
    assert.equal(text(measureOf(mia, 'transactions', null)), '4');
    assert.equal(text(measureOf(mia, 'deals', { role: 'acq' })), '2');
    const mixed = personWindow('mia', months, ['acq', 'manager']);
    assert.equal(text(measureOf(mixed, 'gp', null)), '0', 'own GP: Mia sells nothing');
    assert.equal(text(measureOf(mixed, 'transactions', null)), '0');
    assert.equal(text(measureOf(mixed, 'team_gp', null)), '2400');
    assert.equal(measureCredits(mixed, 'gp', null), mixed.own);
    assert.equal(measureCredits(mixed, 'team_gp', null), mixed.managed);
    assert.equal(measureCredits(mia, 'gp', null), mia.managed);
    assert.equal(measureCredits(ann, 'transactions', null), ann.own);
  });

  it('a team scope keeps its role and the deals whose attributes all equal its where', () => {
    assert.equal(teamCredits(mia, null), mia.managed);
    assert.equal(teamCredits(mia, {}), mia.managed);
    assert.deepEqual(where(teamCredits(mia, { role: 'acq' })), ['2025-07 #0 manager acq', '2025-08 #0 manager acq']);
    assert.equal(text(measureOf(mia, 'team_gp', { role: 'dispo' })), '1200');
    assert.equal(text(measureOf(mia, 'team_gp', { where: { market: 'tx' } })), '2400');
    assert.equal(text(measureOf(mia, 'team_gp', { where: { flat_fee: true } })), '2000');
    assert.equal(text(measureOf(mia, 'team_gp', { where: { flat_fee: true, market: 'ca' } })), '0', 'every attribute must match');
    assert.equal(text(measureOf(mia, 'team_gp', { where: { flat_fee: 'true' } })), '0', 'the value as written, not its text');
    assert.equal(text(measureOf(mia, 'team_gp', { role: 'dispo', where: { flat_fee: true } })), '1000');
    assert.equal(text(measureOf(mia, 'team_gp', { role: 'acq', where: { market: 'ca' } })), '0');
  });

  it('the last month only, for month_* variables', () => {
    const last = lastMonthOnly(ann);
    assert.deepEqual(last.months, [AUGUST]);
    assert.deepEqual(where(last.own), ['2025-08 #0 agent acq']);
    assert.equal(text(measureOf(last, 'gp', null)), '200');
    assert.equal(text(measureOf(last, 'company_gp', null)), '200');
    assert.deepEqual(where(lastMonthOnly(mia).managed), ['2025-08 #0 manager acq', '2025-08 #0 manager dispo']);
    const empty = personWindow('ann', [], ['acq']);
    assert.equal(lastMonthOnly(empty), empty, 'no month: the window as it is');
  });
});

describe('attributeKey', () => {
  const [first, second] = JULY.credits;
  it("an attribute's value as text; a deal without it has the empty key", () => {
    assert.equal(attributeKey(first!, 'flat_fee'), 'true');
    assert.equal(attributeKey(first!, 'units'), '3');
    assert.equal(attributeKey(first!, 'market'), 'tx');
    assert.equal(attributeKey(second!, 'missing'), '');
  });
});

function credit(cents: number | null, gpCents: string, transactions = 1): WindowCredit {
  const value: Credit = { person: 'p', kind: 'agent', role: 'acq', closing: 0, gpCents: new Exact(gpCents), cents, transactions, terminated: false, attributes: {} };
  return { month: '2025-07', credit: value };
}

describe('sumGp and sumTransactions', () => {
  it('whole cents as integers, fractions of a cent as decimals', () => {
    assert.equal(text(sumGp([])), '0');
    assert.equal(text(sumGp([credit(150, '150'), credit(null, '0.5'), credit(null, '0.25'), credit(1, '1')])), '1.5175');
    assert.equal(text(sumTransactions([credit(1, '1', 2), credit(1, '1', 0), credit(1, '1', 1_000_000)])), '1000002');
  });

  it('a total past the safe integers is summed in decimals, exactly', () => {
    // 2^53 − 1 + 2 is not a double: 9,007,199,254,740,993 cents
    const big = Number.MAX_SAFE_INTEGER;
    assert.equal(text(sumGp([credit(big, String(big)), credit(2, '2')])), '90071992547409.93');
    assert.equal(text(sumGp([credit(null, '0.5'), credit(big, String(big)), credit(2, '2')])), '90071992547409.935');
  });

  const credits = fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: 100_000_000_000 }).map((cents) => credit(cents, String(cents))),
      fc.integer({ min: 0, max: 99_999 }).map((thousandths) => credit(null, new Exact(thousandths).div(1000).toFixed())),
    ),
    { maxLength: 20 },
  );

  it('property: sumGp is the exact sum of the credited cents, in currency, in any order', () => {
    fc.assert(
      fc.property(credits, (list) => {
        const exact = list.reduce((sum, entry) => sum.add(entry.credit.gpCents), new Exact(0)).div(100);
        assert.equal(text(sumGp(list)), text(exact));
        assert.equal(text(sumGp([...list].reverse())), text(exact));
      }),
    );
  });

  it('property: GP and transactions over a window are the sums of its months', () => {
    const closing = fc.record({ gp: fc.integer({ min: 0, max: 1_000_000 }), agent: fc.constantFrom('a', 'b', null), manager: fc.constantFrom('m', null), credit: fc.constantFrom(undefined, '0.5', '0.3333'), terminated: fc.boolean() }).map(
      (row): Closing => ({
        gp: row.gp / 100,
        ...(row.terminated ? { status: 'terminated' as const } : {}),
        sides: [{ role: 'acq', agent: row.agent, manager: row.manager, ...(row.credit === undefined ? {} : { credit: row.credit }) }],
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(closing, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), (monthsOf) => {
        const window: MonthCredits[] = monthsOf.map((list, index) => monthCredits(`2025-0${index + 1}`, list, null));
        for (const [person, roles] of [['a', ['acq']], ['m', ['manager']]] as const) {
          for (const measure of ['gp', 'transactions', 'company_gp', 'company_transactions'] as const) {
            const whole = measureOf(personWindow(person, window, roles), measure, null);
            const parts = window.reduce((sum, month) => sum.add(measureOf(personWindow(person, [month], roles), measure, null)), new Exact(0));
            assert.equal(text(whole), text(parts), `${person} ${measure}`);
          }
        }
      }),
    );
  });
});
