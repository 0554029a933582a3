/**
 * Every field of the slices brackets.ts cuts, worked by hand on one table: up to 50 at 10, up to
 * 100 at 8, the rest at 5 (bounds inclusive), in both modes, at and around each bound.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bracketAmount,
  bracketBases,
  bracketReached,
  bracketSlices,
  graduatedSlices,
  retroactiveSlice,
  type Bracket,
  type BracketSlice,
} from '../../src/domain/plans/brackets.js';

const TABLE: Bracket[] = [
  { upTo: 50n, rate: 10n },
  { upTo: 100n, rate: 8n },
  { upTo: null, rate: 5n },
];
const BOUNDED: Bracket[] = [
  { upTo: 50n, rate: 10n },
  { upTo: 100n, rate: 8n },
];

const slice = (index: number, lower: bigint, upper: bigint | null, base: bigint, rate: bigint): BracketSlice => ({ index, lower, upper, base, rate, amount: base * rate });
const FIRST = (base: bigint) => slice(0, 0n, 50n, base, 10n);
const SECOND = (base: bigint) => slice(1, 50n, 100n, base, 8n);
const THIRD = (base: bigint) => slice(2, 100n, null, base, 5n);

describe('bracketReached', () => {
  it('the first bracket whose inclusive bound the measure does not exceed', () => {
    const reached = [-5n, 0n, 50n, 51n, 100n, 101n, 10n ** 12n].map((measure) => bracketReached(measure, TABLE));
    assert.deepEqual(reached, [0, 0, 0, 1, 1, 2, 2]);
  });

  it('past every bound of a table without an open bracket: the last', () => {
    assert.equal(bracketReached(500n, BOUNDED), 1);
    assert.equal(bracketReached(100n, BOUNDED), 1);
    assert.equal(bracketReached(50n, BOUNDED), 0);
  });
});

describe('graduatedSlices', () => {
  it('one slice per bracket the measure reaches, each from the previous bound', () => {
    assert.deepEqual(graduatedSlices(30n, TABLE), [FIRST(30n)]);
    assert.deepEqual(graduatedSlices(50n, TABLE), [FIRST(50n)], 'at the bound: nothing of the next bracket');
    assert.deepEqual(graduatedSlices(51n, TABLE), [FIRST(50n), SECOND(1n)]);
    assert.deepEqual(graduatedSlices(70n, TABLE), [FIRST(50n), SECOND(20n)]);
    assert.deepEqual(graduatedSlices(100n, TABLE), [FIRST(50n), SECOND(50n)]);
    assert.deepEqual(graduatedSlices(150n, TABLE), [FIRST(50n), SECOND(50n), THIRD(50n)]);
  });

  it('past a bounded table the measure above its last bound is not paid', () => {
    assert.deepEqual(graduatedSlices(500n, BOUNDED), [FIRST(50n), SECOND(50n)]);
  });

  it('zero: no slice; negative: all of it in the first bracket; no brackets: nothing', () => {
    assert.deepEqual(graduatedSlices(0n, TABLE), []);
    assert.deepEqual(graduatedSlices(-7n, TABLE), [FIRST(-7n)]);
    assert.deepEqual(graduatedSlices(-7n, []), []);
    assert.deepEqual(graduatedSlices(7n, []), []);
  });
});

describe('retroactiveSlice', () => {
  it('the whole measure at the rate of the bracket reached, with that bracket\'s bounds', () => {
    assert.deepEqual(retroactiveSlice(30n, TABLE), [FIRST(30n)]);
    assert.deepEqual(retroactiveSlice(50n, TABLE), [FIRST(50n)]);
    assert.deepEqual(retroactiveSlice(70n, TABLE), [slice(1, 50n, 100n, 70n, 8n)]);
    assert.deepEqual(retroactiveSlice(150n, TABLE), [slice(2, 100n, null, 150n, 5n)]);
    assert.deepEqual(retroactiveSlice(500n, BOUNDED), [slice(1, 50n, 100n, 500n, 8n)]);
  });

  it('zero or no brackets: nothing; negative: the first bracket', () => {
    assert.deepEqual(retroactiveSlice(0n, TABLE), []);
    assert.deepEqual(retroactiveSlice(7n, []), []);
    assert.deepEqual(retroactiveSlice(-7n, TABLE), [FIRST(-7n)]);
  });
});

describe('bracketSlices, bracketAmount, bracketBases', () => {
  it('the mode picks the slicing', () => {
    assert.deepEqual(bracketSlices(70n, TABLE, 'graduated'), [FIRST(50n), SECOND(20n)]);
    assert.deepEqual(bracketSlices(70n, TABLE, 'retroactive'), [slice(1, 50n, 100n, 70n, 8n)]);
  });

  it('the amount is the sum of the slices', () => {
    assert.equal(bracketAmount(70n, TABLE, 'graduated'), 660n); // 50×10 + 20×8
    assert.equal(bracketAmount(70n, TABLE, 'retroactive'), 560n); // 70×8
    assert.equal(bracketAmount(150n, TABLE, 'graduated'), 1150n); // 500 + 400 + 250
    assert.equal(bracketAmount(150n, TABLE, 'retroactive'), 750n);
    assert.equal(bracketAmount(0n, TABLE, 'graduated'), 0n);
    assert.equal(bracketAmount(-7n, TABLE, 'retroactive'), -70n);
  });

  it('the base of each bracket, zero where the measure does not reach', () => {
    const bounds = TABLE.map((bracket) => bracket.upTo);
    assert.deepEqual(bracketBases(70n, bounds, 'graduated'), [50n, 20n, 0n]);
    assert.deepEqual(bracketBases(70n, bounds, 'retroactive'), [0n, 70n, 0n]);
    assert.deepEqual(bracketBases(150n, bounds, 'graduated'), [50n, 50n, 50n]);
    assert.deepEqual(bracketBases(0n, bounds, 'retroactive'), [0n, 0n, 0n]);
    assert.deepEqual(bracketBases(-7n, bounds, 'graduated'), [-7n, 0n, 0n]);
  });
});
