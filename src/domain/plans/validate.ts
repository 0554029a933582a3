/**
 * The rules a plan definition must satisfy before it is saved or calculated, reported as JSON
 * pointers into the definition so a 422 can point at the field (and, for formulas, at the character).
 * Takes `unknown` on purpose: this is the domain's own guard, whatever the HTTP schema already did.
 */
import type { Basis, BracketMode, ComponentType, Measure, PayeeType, PlanDefinition } from './definition-shape.js';
import { COUNT_MEASURES, MONTH_PATTERN } from './vocabulary.js';
import { parseExactRate, type Exact } from './exact.js';
import { compileFormula } from './formula.js';
import { parseCents, parseCount } from './units.js';

export interface PlanIssue {
  /** JSON pointer into the definition, e.g. "/tiers/brackets/1/up_to". */
  pointer: string;
  message: string;
  /** For formulas: the 0-based character position in the expression. */
  position?: number;
}

const PAYEE_TYPES: readonly PayeeType[] = ['acq', 'dispo', 'manager'];
const BASES: readonly Basis[] = ['deal', 'month', 'quarter', 'year'];
const MEASURES: readonly Measure[] = [
  'gp', 'deals', 'team_gp', 'transactions', 'company_gp', 'company_transactions', 'goal_gp', 'goal_transactions',
];
const ROLES = ['acq', 'dispo'] as const;
const MODES: readonly BracketMode[] = ['graduated', 'retroactive'];
const COMPONENT_TYPES: readonly ComponentType[] = [
  'tiers', 'rate', 'per_deal', 'limit', 'split', 'override', 'bonus', 'clawback', 'draw', 'formula',
];
/** Components that earn something on their own; a plan needs at least one (tiers count too). */
const EARNING: ReadonlySet<string> = new Set(['tiers', 'rate', 'per_deal', 'override', 'bonus', 'formula', 'draw']);
/** At most one of each: two splits or two draws have no single meaning. */
const SINGLETONS: ReadonlySet<string> = new Set(['split', 'clawback', 'draw']);

const LIMITS = {
  nameLength: 200,
  descriptionLength: 2000,
  labelLength: 100,
  agents: 1000,
  brackets: 20,
  tierOverrides: 200,
  /** Attribute values a rate_by table may list. */
  rateValues: 20,
  components: 50,
  /** Largest amount a definition may state, in currency (well inside safe cents). */
  amount: 1e11,
  /** Largest deal count a threshold or bracket may state. */
  count: 1_000_000,
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Issues {
  readonly list: PlanIssue[] = [];
  add(pointer: string, message: string, position?: number): void {
    this.list.push(position === undefined ? { pointer, message } : { pointer, message, position });
  }
  /** Flags properties the shape does not know: a typo such as "upto" must not be silently ignored. */
  unknownKeys(value: Json, at: string, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.add(`${at}/${escapePointer(key)}`, `Unknown property '${key}'`);
    }
  }
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function checkText(out: Issues, value: unknown, at: string, max: number, required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.trim().length === 0) out.add(at, 'Must be a non-empty string');
  else if (value.length > max) out.add(at, `Must be at most ${max} characters`);
}

/** A fraction 0..1 with at most 12 decimals, or a fraction of two such decimals ("2/3"). */
function checkFraction(out: Issues, value: unknown, at: string): Exact | null {
  const rate = parseExactRate(value);
  if (rate === null) {
    out.add(at, 'Must be a number (or decimal string) with at most 12 decimals, or a fraction such as "2/3"');
    return null;
  }
  if (rate.isNegative() || rate.greaterThan(1)) {
    out.add(at, 'Must be between 0 and 1');
    return null;
  }
  return rate;
}

/** A non-negative currency amount with at most 2 decimals. */
function checkAmount(out: Issues, value: unknown, at: string, positive = false): bigint | null {
  const cents = parseCents(value);
  if (cents === null || cents < 0n || cents > BigInt(LIMITS.amount * 100)) {
    out.add(at, `Must be an amount between 0 and ${LIMITS.amount} with at most 2 decimals`);
    return null;
  }
  if (positive && cents === 0n) {
    out.add(at, 'Must be greater than 0');
    return null;
  }
  return cents;
}

/** A threshold or bound on a measure: an amount for money measures, a whole count for deals. */
function checkQuantity(out: Issues, value: unknown, at: string, measure: Measure | null): bigint | null {
  if (measure !== null && COUNT_MEASURES.has(measure)) {
    const count = parseCount(value);
    if (count === null || count > BigInt(LIMITS.count)) {
      out.add(at, `Must be a whole number of deals between 0 and ${LIMITS.count}`);
      return null;
    }
    return count;
  }
  return checkAmount(out, value, at);
}

/** A bracket or flat rate: a fraction on money measures, an amount per deal on deals. */
function checkMeasureRate(out: Issues, value: unknown, at: string, measure: Measure | null): void {
  if (measure !== null && COUNT_MEASURES.has(measure)) {
    if (typeof value === 'string') out.add(at, `On the ${measure} measure the rate is an amount per unit: a number`);
    else checkAmount(out, value, at);
  } else {
    checkFraction(out, value, at);
  }
}

/** A bracket's rate: one rate, or with rate_by an object of rates per attribute value. */
function checkBracketRate(out: Issues, value: unknown, at: string, measure: Measure | null, rateBy: boolean): void {
  if (!rateBy) {
    if (isObject(value)) out.add(at, 'Rates per attribute value need "rate_by" on the tiers');
    else checkMeasureRate(out, value, at, measure);
    return;
  }
  if (!isObject(value) || Object.keys(value).length === 0) {
    out.add(at, 'With rate_by, a rate per attribute value: {"false": 0.05, "true": 0.033333, "*": ...}');
    return;
  }
  if (Object.keys(value).length > LIMITS.rateValues) {
    out.add(at, `At most ${LIMITS.rateValues} attribute values`);
    return;
  }
  for (const [key, rate] of Object.entries(value)) checkMeasureRate(out, rate, `${at}/${escapePointer(key)}`, measure);
}

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function checkTeam(out: Issues, value: unknown, at: string): void {
  if (!isObject(value)) {
    out.add(at, 'Must be an object {role?, where?}');
    return;
  }
  out.unknownKeys(value, at, ['role', 'where']);
  if (value.role !== undefined && !oneOf(value.role, ROLES)) out.add(`${at}/role`, 'Must be acq or dispo');
  if (value.where !== undefined) {
    if (!isObject(value.where)) {
      out.add(`${at}/where`, 'Must be an object of attribute values, e.g. {"tl_eligible": true}');
      return;
    }
    for (const [key, expected] of Object.entries(value.where)) {
      const kat = `${at}/where/${escapePointer(key)}`;
      if (!ATTRIBUTE_NAME.test(key)) out.add(kat, 'Must be an attribute name (letters, digits, _)');
      if (!['boolean', 'string', 'number'].includes(typeof expected)) out.add(kat, 'Must be a boolean, text or number');
    }
  }
}

/**
 * Brackets, rate_by and team of a tier table. `measure` is fixed by the caller for tables without
 * their own (an override's tiers are on team GP).
 */
function checkTiers(out: Issues, value: unknown, at: string, extraKeys: readonly string[], fixedMeasure?: Measure): void {
  if (!isObject(value)) {
    out.add(at, fixedMeasure ? 'Must be an object with mode and brackets' : 'Must be an object with measure, mode and brackets');
    return;
  }
  out.unknownKeys(value, at, [...(fixedMeasure ? [] : ['measure', 'team']), 'mode', 'brackets', 'rate_by', ...extraKeys]);
  const measure = fixedMeasure ?? (oneOf(value.measure, MEASURES) ? value.measure : null);
  if (measure === null) out.add(`${at}/measure`, `Must be one of ${MEASURES.join(', ')}`);
  if (!oneOf(value.mode, MODES)) out.add(`${at}/mode`, `Must be one of ${MODES.join(', ')}`);
  const rateBy = value.rate_by !== undefined;
  if (rateBy) {
    if (typeof value.rate_by !== 'string' || !ATTRIBUTE_NAME.test(value.rate_by)) {
      out.add(`${at}/rate_by`, 'Must be an attribute name (letters, digits, _)');
    } else if (value.mode !== 'retroactive') {
      out.add(`${at}/rate_by`, 'rate_by needs mode "retroactive" (the bracket is chosen on the whole measure)');
    } else if (measure !== null && measure !== 'gp' && measure !== 'team_gp') {
      out.add(`${at}/rate_by`, 'rate_by splits GP by its deals: the measure must be gp or team_gp');
    }
  }
  if (!fixedMeasure && value.team !== undefined) {
    checkTeam(out, value.team, `${at}/team`);
    if (measure !== null && measure !== 'team_gp') out.add(`${at}/team`, 'A team applies to the team_gp measure only');
  }
  const brackets = value.brackets;
  if (!Array.isArray(brackets) || brackets.length === 0) {
    out.add(`${at}/brackets`, 'Must be a non-empty array');
    return;
  }
  if (brackets.length > LIMITS.brackets) {
    out.add(`${at}/brackets`, `At most ${LIMITS.brackets} brackets`);
    return;
  }
  const lower = brackets.some((bracket: unknown) => isObject(bracket) && 'from' in bracket);
  let previous: bigint | null = null;
  brackets.forEach((bracket: unknown, index) => {
    const bat = `${at}/brackets/${index}`;
    if (!isObject(bracket)) {
      out.add(bat, lower ? 'Must be an object with from and rate' : 'Must be an object with up_to and rate');
      return;
    }
    out.unknownKeys(bracket, bat, ['up_to', 'from', 'rate']);
    const last = index === brackets.length - 1;
    if (lower) {
      if ('up_to' in bracket) out.add(`${bat}/up_to`, 'Brackets give either lower bounds (from) or upper bounds (up_to), not both');
      if (!('from' in bracket)) out.add(`${bat}/from`, 'Required: every bracket of this table gives its lower bound');
      else {
        const bound = checkQuantity(out, bracket.from, `${bat}/from`, measure);
        if (bound !== null) {
          if (index === 0 && bound !== 0n) out.add(`${bat}/from`, 'The first bracket must start from 0');
          else if (previous !== null && bound <= previous) out.add(`${bat}/from`, 'Brackets must ascend: each from above the previous one');
          previous = bound;
        }
      }
    } else if (!('up_to' in bracket)) out.add(`${bat}/up_to`, 'Required (null for the last bracket)');
    else if (bracket.up_to === null) {
      if (!last) out.add(`${bat}/up_to`, 'Only the last bracket may be open-ended (null)');
    } else {
      const bound = checkQuantity(out, bracket.up_to, `${bat}/up_to`, measure);
      if (bound !== null) {
        if (bound === 0n) out.add(`${bat}/up_to`, 'Must be greater than 0');
        else if (previous !== null && bound <= previous) {
          out.add(`${bat}/up_to`, 'Brackets must ascend: each up_to above the previous one');
        }
        previous = bound;
      }
      if (last) out.add(`${bat}/up_to`, 'The last bracket must be open-ended (up_to: null)');
    }
    if (!('rate' in bracket)) out.add(`${bat}/rate`, 'Required');
    else checkBracketRate(out, bracket.rate, `${bat}/rate`, measure, rateBy);
  });
}

function checkComponent(
  out: Issues,
  value: Json,
  at: string,
  context: { basis: Basis | null; appliesTo: readonly unknown[] },
): void {
  const type = value.type;
  checkText(out, value.label, `${at}/label`, LIMITS.labelLength, false);
  switch (type) {
    case 'tiers':
      checkTiers(out, value, at, ['type', 'label']);
      return;
    case 'rate': {
      out.unknownKeys(value, at, ['type', 'label', 'measure', 'rate']);
      const measure = oneOf(value.measure, MEASURES) ? value.measure : null;
      if (measure === null) out.add(`${at}/measure`, `Must be one of ${MEASURES.join(', ')}`);
      checkMeasureRate(out, value.rate, `${at}/rate`, measure);
      return;
    }
    case 'per_deal':
      out.unknownKeys(value, at, ['type', 'label', 'amount']);
      checkAmount(out, value.amount, `${at}/amount`);
      return;
    case 'limit': {
      out.unknownKeys(value, at, ['type', 'label', 'scope', 'min', 'max']);
      if (!oneOf(value.scope, ['deal', 'period'] as const)) out.add(`${at}/scope`, 'Must be deal or period');
      else if (value.scope === 'deal' && context.basis !== null && context.basis !== 'deal') {
        out.add(`${at}/scope`, 'A per-deal limit needs basis "deal" (only then is a deal paid on its own)');
      }
      const min = value.min === undefined ? null : checkAmount(out, value.min, `${at}/min`);
      const max = value.max === undefined ? null : checkAmount(out, value.max, `${at}/max`);
      if (value.min === undefined && value.max === undefined) out.add(at, 'A limit needs min, max or both');
      if (min !== null && max !== null && min > max) out.add(`${at}/min`, 'min must not exceed max');
      return;
    }
    case 'split': {
      out.unknownKeys(value, at, ['type', 'label', 'shares']);
      const shares = value.shares;
      if (!isObject(shares)) {
        out.add(`${at}/shares`, 'Must be an object { acq, dispo }');
        return;
      }
      out.unknownKeys(shares, `${at}/shares`, ['acq', 'dispo']);
      const acq = checkFraction(out, shares.acq, `${at}/shares/acq`);
      const dispo = checkFraction(out, shares.dispo, `${at}/shares/dispo`);
      if (acq !== null && dispo !== null && acq.add(dispo).greaterThan(1)) {
        out.add(`${at}/shares`, 'Shares of one deal must not add up to more than 1');
      }
      return;
    }
    case 'override':
      out.unknownKeys(value, at, ['type', 'label', 'of', 'rate', 'team', 'tiers']);
      if (!oneOf(value.of, ['team_gp', 'team_commission'] as const)) {
        out.add(`${at}/of`, 'Must be team_gp or team_commission');
      }
      if (value.tiers !== undefined) {
        if (value.rate !== undefined) out.add(`${at}/rate`, 'An override pays either one rate or tiers, not both');
        if (value.of !== 'team_gp') out.add(`${at}/tiers`, 'Override tiers are on team GP: of must be team_gp');
        checkTiers(out, value.tiers, `${at}/tiers`, [], 'team_gp');
      } else {
        checkFraction(out, value.rate, `${at}/rate`);
      }
      if (value.team !== undefined) checkTeam(out, value.team, `${at}/team`);
      if (!context.appliesTo.includes('manager')) {
        out.add(at, 'An override pays managers: add "manager" to applies_to');
      }
      return;
    case 'bonus': {
      out.unknownKeys(value, at, ['type', 'label', 'measure', 'at_least', 'amount']);
      const measure = oneOf(value.measure, MEASURES) ? value.measure : null;
      if (measure === null) out.add(`${at}/measure`, `Must be one of ${MEASURES.join(', ')}`);
      checkQuantity(out, value.at_least, `${at}/at_least`, measure);
      checkAmount(out, value.amount, `${at}/amount`, true);
      return;
    }
    case 'clawback':
      out.unknownKeys(value, at, ['type', 'label', 'method', 'rate']);
      if (value.method !== undefined && !oneOf(value.method, ['recompute', 'rate'] as const)) {
        out.add(`${at}/method`, 'Must be recompute or rate');
      }
      if (value.method === 'rate') {
        if (value.rate === undefined) out.add(`${at}/rate`, 'Required when method is rate');
        else checkFraction(out, value.rate, `${at}/rate`);
      } else if (value.rate !== undefined) {
        out.add(`${at}/rate`, 'Only used with method "rate"');
      }
      return;
    case 'draw':
      out.unknownKeys(value, at, ['type', 'label', 'amount']);
      checkAmount(out, value.amount, `${at}/amount`, true);
      return;
    case 'formula': {
      out.unknownKeys(value, at, ['type', 'label', 'expression']);
      if (typeof value.expression !== 'string') {
        out.add(`${at}/expression`, 'Must be a string');
        return;
      }
      const compiled = compileFormula(value.expression);
      if (!compiled.ok) {
        out.add(
          `${at}/expression`,
          `${compiled.error.message} (at character ${compiled.error.position + 1})`,
          compiled.error.position,
        );
      }
      return;
    }
    default:
      out.add(`${at}/type`, `Must be one of ${COMPONENT_TYPES.join(', ')}`);
  }
}

/** Every rule the definition breaks; empty when it is a valid plan. */
export function validatePlan(input: unknown): PlanIssue[] {
  const out = new Issues();
  if (!isObject(input)) {
    out.add('', 'A plan definition must be an object');
    return out.list;
  }
  out.unknownKeys(input, '', ['name', 'description', 'applies_to', 'agents', 'exclude', 'basis', 'tiers', 'components', 'tier_overrides']);
  checkText(out, input.name, '/name', LIMITS.nameLength, true);
  if (input.description !== undefined && typeof input.description !== 'string') {
    out.add('/description', 'Must be a string');
  } else if (typeof input.description === 'string' && input.description.length > LIMITS.descriptionLength) {
    out.add('/description', `Must be at most ${LIMITS.descriptionLength} characters`);
  }

  const appliesTo: unknown[] = Array.isArray(input.applies_to) ? input.applies_to : [];
  if (!Array.isArray(input.applies_to) || input.applies_to.length === 0) {
    out.add('/applies_to', `Must be a non-empty array of ${PAYEE_TYPES.join(', ')}`);
  } else {
    appliesTo.forEach((type, index) => {
      if (!oneOf(type, PAYEE_TYPES)) out.add(`/applies_to/${index}`, `Must be one of ${PAYEE_TYPES.join(', ')}`);
      else if (appliesTo.indexOf(type) !== index) out.add(`/applies_to/${index}`, `Duplicate '${type}'`);
    });
  }

  const named = checkNames(out, input.agents, '/agents', 'Must be a non-empty array of payee names (omit it to cover every payee of the types)');
  const excluded = checkNames(out, input.exclude, '/exclude', 'Must be a non-empty array of payee names');
  excluded.forEach((name, index) => {
    if (named.includes(name)) out.add(`/exclude/${index}`, `'${name}' is both named in agents and excluded`);
  });

  const basis = oneOf(input.basis, BASES) ? input.basis : null;
  if (basis === null) out.add('/basis', `Must be one of ${BASES.join(', ')}`);

  if (input.tiers !== undefined) checkTiers(out, input.tiers, '/tiers', []);
  checkTierOverrides(out, input);

  let earning = input.tiers !== undefined;
  if (input.components !== undefined) {
    if (!Array.isArray(input.components)) out.add('/components', 'Must be an array');
    else if (input.components.length > LIMITS.components) {
      out.add('/components', `At most ${LIMITS.components} components`);
    } else {
      const seen = new Map<string, number>();
      input.components.forEach((component: unknown, index) => {
        const at = `/components/${index}`;
        if (!isObject(component)) {
          out.add(at, 'Must be an object with a type');
          return;
        }
        checkComponent(out, component, at, { basis, appliesTo });
        const type = component.type;
        if (typeof type !== 'string') return;
        if (EARNING.has(type)) earning = true;
        if (SINGLETONS.has(type) && seen.has(type)) {
          out.add(at, `Only one ${type} component per plan (first at /components/${seen.get(type)})`);
        }
        if (type === 'limit' && typeof component.scope === 'string') {
          const key = `limit:${component.scope}`;
          if (seen.has(key)) out.add(at, `Only one ${component.scope} limit per plan (first at /components/${seen.get(key)})`);
          else seen.set(key, index);
        }
        if (!seen.has(type)) seen.set(type, index);
      });
    }
  }
  if (!earning) out.add('', 'A plan needs tiers or at least one component that pays (rate, per_deal, bonus, override, formula, draw)');
  return out.list;
}

/** Names in `agents` or `exclude`; the valid ones, for cross-checks. */
function checkNames(out: Issues, value: unknown, at: string, message: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) {
    out.add(at, message);
    return [];
  }
  if (value.length > LIMITS.agents) {
    out.add(at, `At most ${LIMITS.agents} names`);
    return [];
  }
  const seen = new Set<string>();
  value.forEach((name: unknown, index) => {
    checkText(out, name, `${at}/${index}`, LIMITS.nameLength, true);
    if (typeof name === 'string') {
      if (seen.has(name)) out.add(`${at}/${index}`, `Duplicate name '${name}'`);
      seen.add(name);
    }
  });
  return [...seen];
}

/** The plan's own tier tables (top-level and tiers components), whose brackets a tier override may force. */
function tierTableSizes(input: Json): number[] {
  const sizes: number[] = [];
  const size = (tiers: unknown) => (isObject(tiers) && Array.isArray(tiers.brackets) ? tiers.brackets.length : 0);
  if (input.tiers !== undefined) sizes.push(size(input.tiers));
  if (Array.isArray(input.components)) {
    for (const component of input.components) if (isObject(component) && component.type === 'tiers') sizes.push(size(component));
  }
  return sizes;
}

function checkTierOverrides(out: Issues, input: Json): void {
  const list = input.tier_overrides;
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    out.add('/tier_overrides', 'Must be an array of {payee, bracket, reason, from, to}');
    return;
  }
  if (list.length > LIMITS.tierOverrides) {
    out.add('/tier_overrides', `At most ${LIMITS.tierOverrides} tier overrides`);
    return;
  }
  const sizes = tierTableSizes(input);
  if (list.length > 0 && sizes.length === 0) out.add('/tier_overrides', 'The plan has no tier table to override');
  list.forEach((entry: unknown, index) => {
    const at = `/tier_overrides/${index}`;
    if (!isObject(entry)) {
      out.add(at, 'Must be an object {payee, bracket, reason, from, to}');
      return;
    }
    out.unknownKeys(entry, at, ['payee', 'bracket', 'reason', 'from', 'to']);
    checkText(out, entry.payee, `${at}/payee`, LIMITS.nameLength, true);
    checkText(out, entry.reason, `${at}/reason`, LIMITS.descriptionLength, true);
    const bracket = entry.bracket;
    if (typeof bracket !== 'number' || !Number.isInteger(bracket) || bracket < 1) {
      out.add(`${at}/bracket`, 'Must be a bracket number from 1');
    } else if (sizes.some((count) => bracket > count)) {
      out.add(`${at}/bracket`, `The plan's tier tables have ${Math.min(...sizes)} brackets`);
    }
    for (const key of ['from', 'to'] as const) {
      if (typeof entry[key] !== 'string' || !MONTH_PATTERN.test(entry[key])) out.add(`${at}/${key}`, 'Must be a month YYYY-MM');
    }
    if (typeof entry.from === 'string' && typeof entry.to === 'string' && entry.from > entry.to) {
      out.add(`${at}/to`, 'Must not be before from');
    }
  });
}

export type ParsedPlan = { ok: true; plan: PlanDefinition } | { ok: false; issues: PlanIssue[] };

/** The definition typed, or every issue with it. */
export function parsePlan(input: unknown): ParsedPlan {
  const issues = validatePlan(input);
  return issues.length === 0 ? { ok: true, plan: input as PlanDefinition } : { ok: false, issues };
}
