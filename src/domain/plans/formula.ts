/**
 * Custom formulas: a small arithmetic language over documented variables, e.g.
 * `min(gp * 0.12, 15000) + (deals >= 10 ? 500 : 0)`.
 *
 * Safety comes from three layers, none of which generates or runs JavaScript:
 * 1. a lexer of our own admits only numbers, known names, and arithmetic/comparison punctuation.
 *    Quotes, brackets, braces, dots after a name, unknown names (`constructor`, `__proto__`, `this`,
 *    `process`) are rejected with their position before anything is parsed; so are inputs over
 *    {@link MAX_FORMULA_LENGTH} characters and nesting deeper than {@link MAX_FORMULA_DEPTH}.
 * 2. `jsep` (a widely used expression parser that only builds a syntax tree) parses the structure
 *    and reports syntax errors with their index.
 * 3. the tree is converted into our own node types, admitting only literals, whitelisted variables,
 *    whitelisted functions and operators; anything else is a compile error. Evaluation walks that
 *    tree once (no loops, no recursion in the language), with at most {@link MAX_FORMULA_NODES} nodes,
 *    and every intermediate value must be a finite number.
 */
import jsep from 'jsep';
import { MAX_AMOUNT } from '../money.js';
import { Exact } from './exact.js';

export const MAX_FORMULA_LENGTH = 500;
const MAX_FORMULA_DEPTH = 32;
const MAX_FORMULA_NODES = 200;
/** Largest magnitude a formula may pay for one period, in currency (the platform's amount bound). */
export const MAX_FORMULA_VALUE = MAX_AMOUNT;

/**
 * The variables a formula sees, in currency units and counts. "Period" is the plan's basis window:
 * the month for basis deal and month, the quarter or year to date for those bases (then the month
 * pays the increment of the formula's value, like every other component).
 */
export const FORMULA_VARIABLES = {
  gp: "The payee's closed GP over the period (a manager's: the team's)",
  deals: 'Closed deals over the period',
  terminations: 'Terminated contracts over the period',
  team_gp: "GP of the payee's team over the period",
  team_deals: "Closed deals of the payee's team over the period",
  team_commission: "Commission actually paid to the payee's team over the period",
  month_gp: 'GP of this month alone',
  month_deals: 'Closed deals of this month alone',
  month_terminations: 'Terminated contracts of this month alone',
  qtd_gp: 'GP of the calendar quarter to date, this month included',
  qtd_deals: 'Closed deals of the calendar quarter to date',
  ytd_gp: 'GP of the calendar year to date, this month included',
  ytd_deals: 'Closed deals of the calendar year to date',
  month_index: 'Month of the year, 1 to 12',
  quarter: 'Quarter of the year, 1 to 4',
  transactions: "The payee's credited transactions over the period (closings)",
  company_gp: "The company's GP over the period, each deal once (closings)",
  company_transactions: "The company's transactions over the period, each deal once (closings)",
  goal_gp: "The GP goal over the period (the months' goals)",
  goal_transactions: "The transactions goal over the period (the months' goals)",
} as const;

export type FormulaVariable = keyof typeof FORMULA_VARIABLES;
/** Values by name; a formula reading a variable its engine does not give fails with a message. */
export type FormulaVariables = Readonly<Partial<Record<FormulaVariable, number>>>;
export type ExactVariables = Readonly<Partial<Record<FormulaVariable, Exact>>>;

/** Variables only closings (and goals) give: the payee-level engine refuses formulas reading them. */
export const CLOSINGS_VARIABLES: ReadonlySet<FormulaVariable> = new Set<FormulaVariable>([
  'transactions', 'company_gp', 'company_transactions', 'goal_gp', 'goal_transactions',
]);

/** Variables of the calendar quarter or year to date: a formula reading one needs the earlier months of its year. */
export const PERIOD_TO_DATE_VARIABLES: ReadonlySet<FormulaVariable> = new Set<FormulaVariable>(['qtd_gp', 'qtd_deals', 'ytd_gp', 'ytd_deals']);

const FORMULA_FUNCTIONS = {
  min: 'min(a, b, ...): the smallest argument',
  max: 'max(a, b, ...): the largest argument',
  abs: 'abs(x)',
  round: 'round(x): to the nearest whole number, halves away from zero',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  clamp: 'clamp(x, low, high)',
  if: 'if(condition, then, else): only the chosen branch is evaluated',
} as const;

type FunctionName = keyof typeof FORMULA_FUNCTIONS;

const ARITY: Readonly<Record<FunctionName, readonly [number, number]>> = {
  min: [1, 16],
  max: [1, 16],
  abs: [1, 1],
  round: [1, 1],
  floor: [1, 1],
  ceil: [1, 1],
  clamp: [3, 3],
  if: [3, 3],
};

type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&&' | '||';
type UnaryOp = '-' | '+' | '!';

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '^': '^',
  '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  '==': '==', '===': '==', '!=': '!=', '!==': '!=',
  '&&': '&&', and: '&&', '||': '||', or: '||',
};
const UNARY_OPS: Readonly<Record<string, UnaryOp>> = { '-': '-', '+': '+', '!': '!', not: '!' };

// jsep's operator table is module-wide; this module is its only user. `^` becomes power (binding
// tighter than * and to the right, as in spreadsheets), replacing jsep's bitwise xor.
jsep.addBinaryOp('^', 11, true);
jsep.addBinaryOp('and', 2);
jsep.addBinaryOp('or', 1);
jsep.addUnaryOp('not');

type Node =
  | { kind: 'number'; at: number; value: number; raw: string }
  | { kind: 'variable'; at: number; name: FormulaVariable }
  | { kind: 'unary'; at: number; op: UnaryOp; argument: Node }
  | { kind: 'binary'; at: number; op: BinaryOp; left: Node; right: Node }
  | { kind: 'conditional'; at: number; test: Node; then: Node; otherwise: Node }
  | { kind: 'call'; at: number; name: FunctionName; args: Node[] };

export interface FormulaError {
  /** 0-based character index in the formula text. */
  position: number;
  message: string;
}

export type FormulaResult = { ok: true; value: number } | { ok: false; message: string };
export type ExactFormulaResult = { ok: true; value: Exact } | { ok: false; message: string };

export interface CompiledFormula {
  ok: true;
  text: string;
  /** The variables the formula reads, in first-use order. */
  variables: FormulaVariable[];
  /** In floating point: for previews and tests of the language, never for pay. */
  evaluate(variables: FormulaVariables): FormulaResult;
  /** In exact decimals (./exact.ts): what pay is computed with. */
  evaluateExact(variables: ExactVariables): ExactFormulaResult;
}

export type CompileResult = CompiledFormula | { ok: false; error: FormulaError };

class FormulaFailure extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

function isVariable(name: string): name is FormulaVariable {
  return Object.hasOwn(FORMULA_VARIABLES, name);
}
function isFunction(name: string): name is FunctionName {
  return Object.hasOwn(FORMULA_FUNCTIONS, name);
}

const WORD_OPERATORS = new Set(['and', 'or', 'not']);

/** Characters that may stand alone or pair into an allowed operator. */
const PUNCTUATION = /^(<=|>=|==|!=|&&|\|\||[-+*/%^<>!(),?:])/;

/**
 * The positions of numbers and names in source order, after rejecting everything the language
 * does not have. jsep would accept far more (member access, strings, arrays, `this`); the lexer
 * makes sure none of it reaches the parser.
 */
function lex(text: string): number[] {
  const leaves: number[] = [];
  let depth = 0;
  let index = 0;
  let previous: 'value' | 'operator' = 'operator';
  while (index < text.length) {
    const rest = text.slice(index);
    const char = text[index] ?? '';
    // Exactly the whitespace jsep skips: other separators (U+2028, NBSP) would reach it as names.
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index += 1;
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
    if (number) {
      leaves.push(index);
      index += number[0].length;
      if (/^[A-Za-z_.]/.test(text.slice(index))) {
        throw new FormulaFailure('A number must not run into a name or another period', index);
      }
      previous = 'value';
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      const word = name[0];
      const after = text.slice(index + word.length).trimStart();
      if (WORD_OPERATORS.has(word)) {
        previous = 'operator';
      } else if (isFunction(word)) {
        if (!after.startsWith('(')) throw new FormulaFailure(`'${word}' is a function: write ${word}(...)`, index);
        leaves.push(index);
        previous = 'value';
      } else if (isVariable(word)) {
        if (after.startsWith('(')) throw new FormulaFailure(`'${word}' is a variable, not a function`, index);
        leaves.push(index);
        previous = 'value';
      } else {
        throw new FormulaFailure(
          `Unknown name '${word}'. Variables: ${Object.keys(FORMULA_VARIABLES).join(', ')}; functions: ${Object.keys(FORMULA_FUNCTIONS).join(', ')}`,
          index,
        );
      }
      index += word.length;
      continue;
    }
    if (char === '.' && previous === 'value') {
      throw new FormulaFailure('Property access is not part of the formula language', index);
    }
    if (char === '"' || char === "'" || char === '`') {
      throw new FormulaFailure('Text values are not part of the formula language', index);
    }
    if (char === '[' || char === ']' || char === '{' || char === '}') {
      throw new FormulaFailure(`'${char}' is not part of the formula language`, index);
    }
    if (char === '=' && text[index + 1] !== '=') {
      throw new FormulaFailure("Assignment is not allowed; compare with '=='", index);
    }
    if (rest.startsWith('**')) throw new FormulaFailure("Write powers with '^'", index);
    if (rest.startsWith('<<') || rest.startsWith('>>')) {
      throw new FormulaFailure('Bit shifts are not part of the formula language', index);
    }
    const punctuation = /^(===|!==)/.exec(rest) ?? PUNCTUATION.exec(rest);
    if (!punctuation) {
      throw new FormulaFailure(`Unexpected character '${char}'`, index);
    }
    const token = punctuation[0];
    if (token === '(') {
      depth += 1;
      if (depth > MAX_FORMULA_DEPTH) {
        throw new FormulaFailure(`Parentheses nest deeper than ${MAX_FORMULA_DEPTH} levels`, index);
      }
    } else if (token === ')') {
      depth -= 1;
    }
    previous = token === ')' ? 'value' : 'operator';
    index += token.length;
  }
  return leaves;
}

/** Converts jsep's tree into ours, in source order so leaves meet their lexed positions. */
class Converter {
  private leaf = 0;
  nodes = 0;
  readonly variables: FormulaVariable[] = [];

  constructor(private readonly leaves: readonly number[]) {}

  private nextLeaf(): number {
    const at = this.leaves[this.leaf] ?? 0;
    this.leaf += 1;
    return at;
  }

  convert(node: jsep.Expression): Node {
    this.nodes += 1;
    if (this.nodes > MAX_FORMULA_NODES) {
      throw new FormulaFailure(`Formula has more than ${MAX_FORMULA_NODES} parts`, this.leaves[this.leaf] ?? 0);
    }
    switch (node.type) {
      case 'Literal': {
        const at = this.nextLeaf();
        const value = (node as jsep.Literal).value;
        if (typeof value !== 'number') throw new FormulaFailure('Only numbers are allowed as values', at);
        if (!Number.isFinite(value)) throw new FormulaFailure('Number is too large', at);
        return { kind: 'number', at, value, raw: (node as jsep.Literal).raw };
      }
      case 'Identifier': {
        const at = this.nextLeaf();
        const name = (node as jsep.Identifier).name;
        if (!isVariable(name)) throw new FormulaFailure(`Unknown variable '${name}'`, at);
        if (!this.variables.includes(name)) this.variables.push(name);
        return { kind: 'variable', at, name };
      }
      case 'UnaryExpression': {
        const unary = node as jsep.UnaryExpression;
        const op = Object.hasOwn(UNARY_OPS, unary.operator) ? UNARY_OPS[unary.operator] : undefined;
        const argument = this.convert(unary.argument);
        if (!op) throw new FormulaFailure(`Operator '${unary.operator}' is not allowed`, argument.at);
        return { kind: 'unary', at: argument.at, op, argument };
      }
      case 'BinaryExpression': {
        const binary = node as jsep.BinaryExpression;
        const left = this.convert(binary.left);
        const op = Object.hasOwn(BINARY_OPS, binary.operator) ? BINARY_OPS[binary.operator] : undefined;
        const right = this.convert(binary.right);
        if (!op) throw new FormulaFailure(`Operator '${binary.operator}' is not allowed`, right.at);
        return { kind: 'binary', at: left.at, op, left, right };
      }
      case 'ConditionalExpression': {
        const conditional = node as jsep.ConditionalExpression;
        const test = this.convert(conditional.test);
        const then = this.convert(conditional.consequent);
        const otherwise = this.convert(conditional.alternate);
        return { kind: 'conditional', at: test.at, test, then, otherwise };
      }
      case 'CallExpression': {
        const call = node as jsep.CallExpression;
        if (call.callee.type !== 'Identifier') {
          throw new FormulaFailure('Only the listed functions can be called', this.leaves[this.leaf] ?? 0);
        }
        const at = this.nextLeaf();
        const name = (call.callee as jsep.Identifier).name;
        if (!isFunction(name)) throw new FormulaFailure(`Unknown function '${name}'`, at);
        const [min, max] = ARITY[name];
        if (call.arguments.length < min || call.arguments.length > max) {
          const expected = min === max ? `${min}` : `${min} to ${max}`;
          throw new FormulaFailure(`${name}() takes ${expected} argument(s), not ${call.arguments.length}`, at);
        }
        const args = call.arguments.map((argument) => this.convert(argument));
        return { kind: 'call', at, name, args };
      }
      case 'Compound':
        throw new FormulaFailure('Write one expression: operands must be joined by an operator', this.leaves[this.leaf] ?? 0);
      default:
        throw new FormulaFailure(`'${node.type}' is not part of the formula language`, this.leaves[this.leaf] ?? 0);
    }
  }
}

/**
 * The arithmetic a formula is evaluated in: floats for previews, exact decimals for pay. One tree
 * walk serves both, so the two can only differ in precision, never in meaning.
 */
interface Arithmetic<T> {
  literal(node: { value: number; raw: string }): T;
  variable(name: FormulaVariable, at: number): T;
  isFinite(value: T): boolean;
  isZero(value: T): boolean;
  compare(left: T, right: T): number;
  zero: T;
  one: T;
  neg(value: T): T;
  add(left: T, right: T): T;
  sub(left: T, right: T): T;
  mul(left: T, right: T): T;
  div(left: T, right: T): T;
  mod(left: T, right: T): T;
  pow(left: T, right: T): T;
  abs(value: T): T;
  /** Halves away from zero. */
  round(value: T): T;
  floor(value: T): T;
  ceil(value: T): T;
}

function floatArithmetic(variables: FormulaVariables | null): Arithmetic<number> {
  return {
    literal: (node) => node.value,
    variable(name, at) {
      if (variables === null) throw new NotConstant();
      // Names were checked against the whitelist at compile time; read only own properties anyway.
      const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new FormulaFailure(`Variable '${name}' has no value`, at);
      return value;
    },
    isFinite: (value) => Number.isFinite(value),
    isZero: (value) => value === 0,
    compare: (left, right) => (left < right ? -1 : left > right ? 1 : 0),
    zero: 0,
    one: 1,
    neg: (value) => -value,
    add: (left, right) => left + right,
    sub: (left, right) => left - right,
    mul: (left, right) => left * right,
    div: (left, right) => left / right,
    mod: (left, right) => left % right,
    pow: (left, right) => Math.pow(left, right),
    abs: (value) => Math.abs(value),
    round: (value) => Math.sign(value) * Math.round(Math.abs(value)),
    floor: (value) => Math.floor(value),
    ceil: (value) => Math.ceil(value),
  };
}

/** Exponents beyond this are refused in exact mode: 10^(10^10) has no place in a pay formula. */
const MAX_EXACT_EXPONENT = 1000;

function exactArithmetic(variables: ExactVariables): Arithmetic<Exact> {
  return {
    literal: (node) => new Exact(node.raw),
    variable(name, at) {
      const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
      if (value === undefined || !value.isFinite()) throw new FormulaFailure(`Variable '${name}' has no value`, at);
      return value;
    },
    isFinite: (value) => value.isFinite() && value.abs().lessThan('1e40'),
    isZero: (value) => value.isZero(),
    compare: (left, right) => left.comparedTo(right),
    zero: new Exact(0),
    one: new Exact(1),
    neg: (value) => value.neg(),
    add: (left, right) => left.add(right),
    sub: (left, right) => left.sub(right),
    mul: (left, right) => left.mul(right),
    div: (left, right) => left.div(right),
    // JavaScript's %: the sign of the dividend (decimal.js's default modulo mode is the same).
    mod: (left, right) => left.mod(right),
    pow: (left, right) => {
      if (right.abs().greaterThan(MAX_EXACT_EXPONENT)) return new Exact(Infinity);
      if (left.isNegative() && !right.isInteger()) return new Exact(NaN);
      return left.pow(right);
    },
    abs: (value) => value.abs(),
    round: (value) => value.toDecimalPlaces(0, Exact.ROUND_HALF_UP),
    floor: (value) => value.floor(),
    ceil: (value) => value.ceil(),
  };
}

function evaluateNode<T>(node: Node, math: Arithmetic<T>): T {
  const finite = (value: T, at: number, what: string): T => {
    if (!math.isFinite(value)) throw new FormulaFailure(`${what} is not a finite number`, at);
    // -0 would print as 0 anyway; normalising keeps results comparable.
    return math.isZero(value) ? math.zero : value;
  };
  const truthy = (value: T) => !math.isZero(value);
  const flag = (value: boolean) => (value ? math.one : math.zero);
  const walk = (child: Node) => evaluateNode(child, math);
  switch (node.kind) {
    case 'number':
      return math.literal(node);
    case 'variable':
      return math.variable(node.name, node.at);
    case 'unary': {
      const value = walk(node.argument);
      if (node.op === '-') return finite(math.neg(value), node.at, 'Result');
      if (node.op === '+') return value;
      return flag(!truthy(value));
    }
    case 'binary': {
      if (node.op === '&&') return flag(truthy(walk(node.left)) && truthy(walk(node.right)));
      if (node.op === '||') return flag(truthy(walk(node.left)) || truthy(walk(node.right)));
      const left = walk(node.left);
      const right = walk(node.right);
      switch (node.op) {
        case '+': return finite(math.add(left, right), node.at, 'Sum');
        case '-': return finite(math.sub(left, right), node.at, 'Difference');
        case '*': return finite(math.mul(left, right), node.at, 'Product');
        case '/':
          if (math.isZero(right)) throw new FormulaFailure('Division by zero', node.right.at);
          return finite(math.div(left, right), node.at, 'Quotient');
        case '%':
          if (math.isZero(right)) throw new FormulaFailure('Remainder by zero', node.right.at);
          return finite(math.mod(left, right), node.at, 'Remainder');
        case '^': return finite(math.pow(left, right), node.at, 'Power');
        case '<': return flag(math.compare(left, right) < 0);
        case '<=': return flag(math.compare(left, right) <= 0);
        case '>': return flag(math.compare(left, right) > 0);
        case '>=': return flag(math.compare(left, right) >= 0);
        case '==': return flag(math.compare(left, right) === 0);
        case '!=': return flag(math.compare(left, right) !== 0);
      }
      throw new FormulaFailure(`Operator '${node.op}' is not allowed`, node.at);
    }
    case 'conditional':
      return truthy(walk(node.test)) ? walk(node.then) : walk(node.otherwise);
    case 'call': {
      if (node.name === 'if') {
        const [test, then, otherwise] = node.args as [Node, Node, Node];
        return truthy(walk(test)) ? walk(then) : walk(otherwise);
      }
      const args = node.args.map(walk);
      const first = args[0] ?? math.zero;
      switch (node.name) {
        case 'min': return args.reduce((best, value) => (math.compare(value, best) < 0 ? value : best));
        case 'max': return args.reduce((best, value) => (math.compare(value, best) > 0 ? value : best));
        case 'abs': return math.abs(first);
        case 'round': return finite(math.round(first), node.at, 'Result');
        case 'floor': return math.floor(first);
        case 'ceil': return math.ceil(first);
        case 'clamp': {
          const [value = math.zero, low = math.zero, high = math.zero] = args;
          if (math.compare(low, high) > 0) throw new FormulaFailure('clamp(x, low, high) needs low ≤ high', node.at);
          const raised = math.compare(value, low) < 0 ? low : value;
          return math.compare(raised, high) > 0 ? high : raised;
        }
      }
      throw new FormulaFailure(`Unknown function '${node.name}'`, node.at);
    }
  }
}

/** Thrown while folding constants when a subtree reads a variable. */
class NotConstant extends Error {}

/**
 * Evaluates every subtree that reads no variable, so `10^10^10` or `1/0` is refused when the plan is
 * saved, at the position where it starts, not discovered on payday.
 */
function checkConstants(node: Node): void {
  try {
    const value = evaluateNode(node, floatArithmetic(null));
    if (Math.abs(value) > MAX_FORMULA_VALUE) {
      throw new FormulaFailure(`Value exceeds ${MAX_FORMULA_VALUE}`, node.at);
    }
    return;
  } catch (error) {
    if (!(error instanceof NotConstant)) throw error;
  }
  switch (node.kind) {
    case 'unary': checkConstants(node.argument); break;
    case 'binary': checkConstants(node.left); checkConstants(node.right); break;
    case 'conditional': checkConstants(node.test); checkConstants(node.then); checkConstants(node.otherwise); break;
    case 'call': node.args.forEach(checkConstants); break;
    default: break;
  }
}

/** Parses and checks a formula; errors carry the 0-based position to point at. */
export function compileFormula(text: string): CompileResult {
  try {
    if (typeof text !== 'string') throw new FormulaFailure('A formula must be text', 0);
    if (text.length > MAX_FORMULA_LENGTH) {
      throw new FormulaFailure(`Formula is longer than ${MAX_FORMULA_LENGTH} characters`, MAX_FORMULA_LENGTH);
    }
    if (text.trim().length === 0) throw new FormulaFailure('Formula is empty', 0);
    const leaves = lex(text);
    let tree: jsep.Expression;
    try {
      tree = jsep(text);
    } catch (error) {
      const index = (error as { index?: unknown }).index;
      const description = (error as { description?: unknown }).description;
      throw new FormulaFailure(
        typeof description === 'string' ? description : 'Syntax error',
        typeof index === 'number' ? Math.min(Math.max(index, 0), text.length) : 0,
      );
    }
    const converter = new Converter(leaves);
    const root = converter.convert(tree);
    checkConstants(root);
    return {
      ok: true,
      text,
      variables: converter.variables,
      evaluate(variables: FormulaVariables): FormulaResult {
        try {
          const value = evaluateNode(root, floatArithmetic(variables));
          if (Math.abs(value) > MAX_FORMULA_VALUE) {
            return { ok: false, message: `Value ${value} exceeds ${MAX_FORMULA_VALUE}` };
          }
          return { ok: true, value: value === 0 ? 0 : value };
        } catch (error) {
          if (error instanceof FormulaFailure) {
            return { ok: false, message: `${error.message} (at character ${error.position + 1})` };
          }
          throw error;
        }
      },
      evaluateExact(variables: ExactVariables): ExactFormulaResult {
        try {
          const value = evaluateNode(root, exactArithmetic(variables));
          if (value.abs().greaterThan(MAX_FORMULA_VALUE)) {
            return { ok: false, message: `Value ${value.toFixed()} exceeds ${MAX_FORMULA_VALUE}` };
          }
          return { ok: true, value };
        } catch (error) {
          if (error instanceof FormulaFailure) {
            return { ok: false, message: `${error.message} (at character ${error.position + 1})` };
          }
          throw error;
        }
      },
    };
  } catch (error) {
    if (error instanceof FormulaFailure) return { ok: false, error: { position: error.position, message: error.message } };
    if (error instanceof RangeError) {
      // Defence in depth: the lexer's limits should make a stack overflow impossible.
      return { ok: false, error: { position: 0, message: 'Formula is too deeply nested' } };
    }
    throw error;
  }
}
