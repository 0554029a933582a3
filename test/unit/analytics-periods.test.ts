import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_PERIOD,
  precedingPeriod,
  resolvePeriod,
  yearEarlier,
  type PeriodError,
  type PeriodQuery,
  type ResolvedPeriod,
} from '../../src/domain/analytics/periods.js';

const SPAN = { first: '2024-08', last: '2025-09' };

function range(query: PeriodQuery, span: typeof SPAN | null = SPAN): ResolvedPeriod {
  const result = resolvePeriod(query, span);
  assert.ok(result.ok, `expected ${JSON.stringify(query)} to resolve, got ${JSON.stringify(result)}`);
  return result.period;
}

function error(query: PeriodQuery, span: typeof SPAN | null = SPAN): PeriodError {
  const result = resolvePeriod(query, span);
  assert.ok(!result.ok, `expected ${JSON.stringify(query)} to be refused`);
  return result.error;
}

function fromTo(query: PeriodQuery, span: typeof SPAN | null = SPAN): string {
  const { from, to } = range(query, span);
  return `${from}..${to}`;
}

describe('period keywords, "now" = the latest month with data (2025-09)', () => {
  it('mtd is the current month', () => assert.equal(fromTo({ period: 'mtd' }), '2025-09..2025-09'));
  it('qtd starts at the quarter', () => assert.equal(fromTo({ period: 'qtd' }), '2025-07..2025-09'));
  it('ytd starts in January', () => assert.equal(fromTo({ period: 'ytd' }), '2025-01..2025-09'));
  it('last_12m is twelve months ending now', () => assert.equal(fromTo({ period: 'last_12m' }), '2024-10..2025-09'));
  it('all starts at the first month with data', () => assert.equal(fromTo({ period: 'all' }), '2024-08..2025-09'));
  it('keywords ignore case and spaces', () => assert.equal(fromTo({ period: ' YTD ' }), '2025-01..2025-09'));
  it('no period means the default', () => {
    assert.equal(DEFAULT_PERIOD, 'last_12m');
    assert.equal(fromTo({}), '2024-10..2025-09');
  });
  it('records now and a label', () => {
    const period = range({ period: 'qtd' });
    assert.equal(period.now, '2025-09');
    assert.equal(period.label, 'qtd');
  });
});

describe('calendar periods', () => {
  it('a past year is the whole year', () => assert.equal(fromTo({ period: '2024' }), '2024-01..2024-12'));
  it('the year containing now ends at now', () => assert.equal(fromTo({ period: '2025' }), '2025-01..2025-09'));
  it('quarters start at months 1, 4, 7, 10', () => {
    assert.equal(fromTo({ period: '2025-Q1' }), '2025-01..2025-03');
    assert.equal(fromTo({ period: '2025-Q2' }), '2025-04..2025-06');
    assert.equal(fromTo({ period: '2025-q3' }), '2025-07..2025-09');
    assert.equal(fromTo({ period: '2024-Q4' }), '2024-10..2024-12');
    assert.equal(range({ period: '2024-q4' }).label, '2024-Q4');
  });
  it('a future quarter is not clipped (it simply has no data)', () => assert.equal(fromTo({ period: '2025-Q4' }), '2025-10..2025-12'));
  it('a month is itself', () => assert.equal(fromTo({ period: '2024-02' }), '2024-02..2024-02'));
});

describe('as_of moves "now"', () => {
  it('to a month', () => {
    assert.equal(fromTo({ period: 'mtd', as_of: '2025-05' }), '2025-05..2025-05');
    assert.equal(fromTo({ period: 'ytd', as_of: '2025-03' }), '2025-01..2025-03');
    assert.equal(fromTo({ period: 'last_12m', as_of: '2025-03' }), '2024-04..2025-03');
    assert.equal(fromTo({ period: 'all', as_of: '2025-03' }), '2024-08..2025-03');
    assert.equal(fromTo({ period: '2025', as_of: '2025-03' }), '2025-01..2025-03');
    assert.equal(range({ period: 'mtd', as_of: '2025-05' }).now, '2025-05');
  });
  it('to a date, reading its month', () => assert.equal(fromTo({ period: 'qtd', as_of: '2025-04-30' }), '2025-04..2025-04'));
  it('qtd at each side of a quarter boundary', () => {
    assert.equal(fromTo({ period: 'qtd', as_of: '2025-03' }), '2025-01..2025-03');
    assert.equal(fromTo({ period: 'qtd', as_of: '2025-04' }), '2025-04..2025-04');
    assert.equal(fromTo({ period: 'qtd', as_of: '2025-05' }), '2025-04..2025-05');
    assert.equal(fromTo({ period: 'qtd', as_of: '2025-06' }), '2025-04..2025-06');
    assert.equal(fromTo({ period: 'qtd', as_of: '2025-10' }), '2025-10..2025-10');
    assert.equal(fromTo({ period: 'qtd', as_of: '2025-12' }), '2025-10..2025-12');
    assert.equal(fromTo({ period: 'qtd', as_of: '2026-01' }), '2026-01..2026-01');
  });
  it('before the first month with data, all is just that month', () => assert.equal(fromTo({ period: 'all', as_of: '2024-01' }), '2024-01..2024-01'));
  it('works for a tenant without data', () => assert.equal(fromTo({ period: 'qtd', as_of: '2025-08' }, null), '2025-07..2025-08'));
  it('refuses impossible dates', () => {
    assert.equal(error({ period: 'mtd', as_of: '2025-02-29' }).field, 'as_of');
    assert.ok(resolvePeriod({ period: 'mtd', as_of: '2024-02-29' }, SPAN).ok);
    assert.equal(error({ period: 'mtd', as_of: '2025-13' }).code, 'invalid_month');
    assert.equal(error({ period: 'mtd', as_of: 'yesterday' }).code, 'invalid_month');
  });
});

describe('explicit from/to', () => {
  it('both ends', () => {
    const period = range({ from: '2024-10', to: '2025-03' });
    assert.equal(`${period.from}..${period.to}`, '2024-10..2025-03');
    assert.equal(period.label, '2024-10..2025-03');
  });
  it('open ends run to now and back to the first month', () => {
    assert.equal(fromTo({ from: '2025-02' }), '2025-02..2025-09');
    assert.equal(fromTo({ to: '2024-12' }), '2024-08..2024-12');
  });
  it('refuses a reversed range, bad months and a period given as well', () => {
    assert.equal(error({ from: '2025-03', to: '2024-10' }).code, 'invalid_range');
    const bad = error({ from: '2025-3' });
    assert.equal(bad.field, 'from');
    assert.equal(bad.code, 'invalid_month');
    assert.equal(error({ to: '2025-00' }).field, 'to');
    assert.equal(error({ period: 'ytd', from: '2025-01' }).code, 'conflicting_parameters');
  });
});

describe('bad input is a value, never an exception', () => {
  it('names the accepted forms', () => {
    for (const period of ['last_month', '2025-Q5', '2025-Q0', '25', '2025-1', '', 'mtd; drop table']) {
      const refused = error({ period });
      assert.equal(refused.code, 'invalid_period');
      assert.equal(refused.kind, 'period_error');
      assert.match(refused.message, /mtd, qtd, ytd, last_12m, all, YYYY, YYYY-Qn or YYYY-MM/);
    }
  });
  it('bounds reflected input', () => {
    assert.ok(error({ period: 'x'.repeat(10_000) }).message.length < 200);
  });
  it('relative periods need data or as_of', () => {
    assert.equal(error({ period: 'mtd' }, null).code, 'no_data');
    assert.equal(error({ from: '2025-01' }, null).code, 'no_data');
    assert.equal(fromTo({ period: '2024' }, null), '2024-01..2024-12');
  });
});

describe('comparison periods', () => {
  it('the same months a year earlier', () => {
    assert.deepEqual(yearEarlier({ from: '2025-07', to: '2025-09' }), { from: '2024-07', to: '2024-09' });
    assert.deepEqual(yearEarlier({ from: '2025-01', to: '2025-01' }), { from: '2024-01', to: '2024-01' });
  });
  it('the preceding period of equal length, across a year end', () => {
    assert.deepEqual(precedingPeriod({ from: '2025-07', to: '2025-09' }), { from: '2025-04', to: '2025-06' });
    assert.deepEqual(precedingPeriod({ from: '2025-01', to: '2025-02' }), { from: '2024-11', to: '2024-12' });
    assert.deepEqual(precedingPeriod({ from: '2024-10', to: '2025-09' }), { from: '2023-10', to: '2024-09' });
  });
});
