import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  compileFormula,
  FORMULA_VARIABLES,
  MAX_FORMULA_LENGTH,
  MAX_FORMULA_VALUE,
  type CompiledFormula,
  type FormulaVariables,
} from '../../src/domain/plans/formula.js';

const VARIABLES: FormulaVariables = {
  gp: 70000,
  deals: 12,
  terminations: 2,
  team_gp: 250000,
  team_deals: 40,
  team_commission: 30000,
  month_gp: 70000,
  month_deals: 12,
  month_terminations: 2,
  qtd_gp: 150000,
  qtd_deals: 25,
  ytd_gp: 400000,
  ytd_deals: 60,
  month_index: 9,
  quarter: 3,
};

function compiled(text: string): CompiledFormula {
  const result = compileFormula(text);
  if (!result.ok) assert.fail(`${text}: ${result.error.message} at ${result.error.position}`);
  return result;
}

function value(text: string, variables: FormulaVariables = VARIABLES): number {
  const result = compiled(text).evaluate(variables);
  if (!result.ok) assert.fail(`${text}: ${result.message}`);
  return result.value;
}

function rejected(text: string): { position: number; message: string } {
  const result = compileFormula(text);
  if (result.ok) assert.fail(`${text} compiled`);
  return result.error;
}

describe('formula language', () => {
  it('computes arithmetic with precedence, powers and conditions', () => {
    assert.equal(value('gp * 0.1'), 7000);
    assert.equal(value('min(gp * 0.12, 5000) + (deals >= 10 ? 500 : 0)'), 5500);
    assert.equal(value('2 + 3 * 4'), 14);
    assert.equal(value('2 ^ 3 ^ 2'), 512);
    assert.equal(value('deals % 5'), 2);
    assert.equal(value('if(terminations > 3, 0, 250)'), 250);
    assert.equal(value('deals >= 10 and terminations < 3'), 1);
    assert.equal(value('not (deals > 20) || 0'), 1);
    assert.equal(value('clamp(gp * 0.2, 1000, 10000)'), 10000);
    assert.equal(value('round(-2.5) + round(2.5)'), 0);
    assert.equal(value('floor(ytd_gp / 100000) * 250'), 1000);
    assert.equal(value('.5 * gp'), 35000);
  });

  it('lists the variables a formula reads', () => {
    assert.deepEqual(compiled('gp * 0.1 + deals * 5 + gp').variables, ['gp', 'deals']);
  });

  it('evaluates only the branch chosen', () => {
    assert.equal(value('deals > 0 ? gp / deals : 0', { ...VARIABLES, deals: 0 }), 0);
    assert.equal(value('if(deals > 0, gp / deals, 0)', { ...VARIABLES, deals: 0 }), 0);
  });

  it('reports errors at evaluation as values, never as exceptions', () => {
    const result = compiled('gp / deals').evaluate({ ...VARIABLES, deals: 0 });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.message : '', /Division by zero/);
    const huge = compiled('gp ^ deals').evaluate({ ...VARIABLES, deals: 1000 });
    assert.equal(huge.ok, false);
    const large = compiled('gp * 1000000000').evaluate(VARIABLES);
    assert.equal(large.ok, false);
    assert.match(!large.ok ? large.message : '', /exceeds/);
  });

  it('reports syntax errors with their position', () => {
    assert.deepEqual(rejected('gp +'), { position: 4, message: 'Expected expression after +' });
    assert.equal(rejected('(gp * 0.1').position, 9);
    assert.equal(rejected('gp * 0.1 + bogus').position, 11);
    assert.equal(rejected('gp deals').position, 0);
    assert.equal(rejected('gp ; deals').position, 3);
    assert.equal(rejected('').position, 0);
    assert.equal(rejected('min()').position, 0);
    assert.equal(rejected('gp(1)').position, 0);
    assert.equal(rejected('  min').position, 2);
    assert.equal(rejected('gp ** 2').position, 3);
  });
});

describe('formula sandbox', () => {
  const attacks: [string, number][] = [
    ['constructor', 0],
    ['__proto__', 0],
    ['this', 0],
    ['process.exit()', 0],
    ['process', 0],
    ['globalThis', 0],
    ['a.constructor.constructor("return process")()', 0],
    ['gp.constructor.constructor("return process")()', 2],
    ['gp["constructor"]', 2],
    ['(gp).constructor', 4],
    ['gp?.constructor', 3],
    ['"abc"', 0],
    ["'abc'", 0],
    ['`${gp}`', 0],
    ['[1, 2]', 0],
    ['{ a: 1 }', 0],
    ['gp = 1', 3],
    ['gp => gp', 3],
    ['x => x', 0],
    ['function() { return 1 }', 0],
    ['eval("1")', 0],
    ['Function("return 1")()', 0],
    ['require("fs")', 0],
    ['import("fs")', 0],
    ['new Date()', 0],
    ['gp | 0', 3],
    ['gp & 1', 3],
    ['~gp', 0],
    ['gp << 2', 3],
    ['gp; process.exit()', 2],
    ['true', 0],
    ['null', 0],
    ['gp\u2028+1', 2],
    ['ǵp', 0],
  ];
  for (const [text, position] of attacks) {
    it(`refuses ${JSON.stringify(text)} at character ${position}`, () => {
      assert.equal(rejected(text).position, position);
    });
  }

  it('refuses huge exponents when the plan is saved', () => {
    const error = rejected('10^10^10');
    assert.equal(error.position, 0);
    assert.match(error.message, /not a finite number/);
    assert.match(rejected('gp + 9^999').message, /not a finite number/);
    assert.match(rejected('1e400').message, /too large/);
    assert.match(rejected('gp + 1/0').message, /Division by zero/);
    assert.equal(rejected('gp + 1/0').position, 7);
    assert.match(rejected(`${MAX_FORMULA_VALUE * 10}`).message, /exceeds/);
  });

  it('refuses 10,000 levels of nesting and any nesting beyond the bound', () => {
    const deep = `${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
    const error = rejected(deep);
    assert.equal(error.position, MAX_FORMULA_LENGTH);
    const error33 = rejected(`${'('.repeat(33)}1${')'.repeat(33)}`);
    assert.match(error33.message, /nest deeper/);
    assert.equal(error33.position, 32);
    assert.equal(value(`${'('.repeat(32)}1${')'.repeat(32)}`), 1);
  });

  it('refuses very long input before parsing it', () => {
    const long = Array.from({ length: 2_000 }, () => 'gp').join('+');
    assert.equal(rejected(long).position, MAX_FORMULA_LENGTH);
    assert.equal(compileFormula(`gp${' '.repeat(MAX_FORMULA_LENGTH - 2)}`).ok, true);
  });

  it('bounds the size of the tree', () => {
    const many = Array.from({ length: 120 }, () => '1').join('+');
    assert.ok(many.length <= MAX_FORMULA_LENGTH);
    assert.match(rejected(many).message, /more than/);
  });

  it('never throws and never leaks a non-number, whatever the input', () => {
    const alphabet = fc.constantFrom(
      ...Object.keys(FORMULA_VARIABLES),
      'min', 'max', 'if', 'clamp', 'round', 'and', 'or', 'not',
      '(', ')', ',', '+', '-', '*', '/', '%', '^', '<', '>=', '==', '!', '?', ':',
      '0', '1', '2.5', '1e3', '99', ' ', '.', '[', '"', 'constructor', 'x',
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join(''))), (text) => {
        const result = compileFormula(text);
        if (!result.ok) {
          assert.ok(result.error.position >= 0 && result.error.position <= text.length);
          assert.equal(typeof result.error.message, 'string');
          return;
        }
        const evaluated = result.evaluate(VARIABLES);
        if (evaluated.ok) {
          assert.equal(typeof evaluated.value, 'number');
          assert.ok(Number.isFinite(evaluated.value) && Math.abs(evaluated.value) <= MAX_FORMULA_VALUE);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same answer every time (no state between evaluations)', () => {
    const formula = compiled('gp * 0.1 + deals');
    assert.deepEqual(formula.evaluate(VARIABLES), formula.evaluate(VARIABLES));
    assert.deepEqual(formula.evaluate({ ...VARIABLES, gp: 1 }), { ok: true, value: 12.1 });
    assert.deepEqual(formula.evaluate(VARIABLES), { ok: true, value: 7012 });
  });
});
