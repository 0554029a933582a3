/**
 * The plan editor's fields (CONTRACT.md, "Plan definition, extended"). It edits the stored
 * definition in place and touches only what an input changed, so a save of one edited rate sends
 * every other part exactly as stored (rates such as "0.033333" or "2/3" included). It edits:
 * bracket tables bounded from below (`from`) or above (`up_to`), with an exact toggle between them;
 * rates in percent (amounts per unit on count measures), one per bracket or one per value of
 * `rate_by` (flat fee); exclusions and named payees; tier overrides; team overrides (`override` of
 * `team_gp`, with the team's role and `where`, one rate or a tier table). Other components are
 * shown as JSON and kept as they are.
 */
import { h } from '../dom';
import type { Bracket, PlanDefinition } from '../types';
import { amountRate, COUNT_MEASURES, convertBounds, percentRate, ratePercent } from './plan-text';

type Rate = string | number;
type Tiers = NonNullable<PlanDefinition['tiers']>;
type Component = NonNullable<PlanDefinition['components']>[number];
type Override = Extract<Component, { type: 'override' }>;
type TeamScope = NonNullable<Tiers['team']>;
type Measure = Tiers['measure'];
type TierOverride = NonNullable<PlanDefinition['tier_overrides']>[number];
/** A bracket table: the plan's tiers, or an override's (which has no measure: team GP). */
interface Table {
  mode: Tiers['mode'];
  brackets: Bracket[];
  rate_by?: string;
  measure?: Measure;
}

const MEASURES: Array<[Measure, string]> = [
  ['gp', 'GP'],
  ['deals', 'Deals'],
  ['team_gp', 'Team GP'],
  ['transactions', 'Transactions'],
  ['company_gp', 'Company GP'],
  ['company_transactions', 'Company transactions'],
  ['goal_gp', 'Goal GP'],
  ['goal_transactions', 'Goal transactions'],
];

const lowerBounds = (table: Table) => table.brackets[0]?.from !== undefined;

// ---------------------------------------------------------------------------------------------
// Inputs that keep the stored value unless they were changed.

/**
 * A text input showing `shown`; on input it writes `parse(text)`, except that typing back the text
 * it opened with restores the value it opened with (so "0.033333" never becomes 0.033333).
 */
function keptInput(shown: string, original: () => void, write: (text: string) => void, attrs: Record<string, string>): HTMLInputElement {
  const input = h('input', { type: 'text', value: shown, ...attrs });
  input.addEventListener('input', () => (input.value === shown ? original() : write(input.value)));
  return input;
}

const listText = (names: readonly string[] | undefined) => (names ?? []).join(', ');
const listOf = (text: string) => text.split(',').map((name) => name.trim()).filter(Boolean);

function whereText(where: TeamScope['where']): string {
  return Object.entries(where ?? {}).map(([key, value]) => `${key}=${String(value)}`).join(', ');
}
function whereOf(text: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [key = '', ...rest] = pair.split('=');
    const value = rest.join('=').trim();
    out[key.trim()] = value === 'true' ? true : value === 'false' ? false : value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return out;
}

const field = (label: string, control: HTMLElement, hint?: string) => h('label', { class: 'field' }, `${label} `, control, hint ? h('span', { class: 'muted' }, hint) : null);

function select<T extends string>(value: T, options: Array<[T, string]>, attrs: Record<string, string>, set: (value: T) => void): HTMLSelectElement {
  const element = h('select', attrs, ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  element.addEventListener('change', () => set(element.value as T));
  return element;
}

/** Rate columns of a table: one, or one per `rate_by` value ("false", "true", then "*" and others seen). */
function rateKeys(table: Table): string[] {
  if (!table.rate_by) return [''];
  const keys = new Set<string>(['false', 'true']);
  for (const bracket of table.brackets) if (typeof bracket.rate === 'object') for (const key of Object.keys(bracket.rate)) keys.add(key);
  const order = (key: string) => (key === 'false' ? 0 : key === 'true' ? 1 : key === '*' ? 2 : 3);
  return [...keys].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

const VALUE_WORDS: Record<string, string> = { false: 'not flat fee', true: 'flat fee', '*': 'any other value' };

export interface EditorOptions {
  redraw: () => void;
  /** A sentence for the status line (e.g. why a toggle did nothing). */
  say: (text: string) => void;
  /** The month new tier overrides start at. */
  month: string;
}

/**
 * One bracket table's controls: bounds kind, rates by, mode (and measure for the plan's tiers), the
 * brackets. `at` is its JSON pointer ("/tiers", "/components/0/tiers"); `name` prefixes its labels.
 */
function tableFields(table: Table, at: string, name: string, options: EditorOptions, measureControl: boolean): HTMLElement[] {
  const { redraw } = options;
  const count = table.measure !== undefined && COUNT_MEASURES.has(table.measure);
  const lower = lowerBounds(table);
  const keys = rateKeys(table);
  const id = at.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
  const title = name || 'Tiers';

  const bounds = select(lower ? 'from' : 'up_to', [['up_to', 'Upper bounds (up to)'], ['from', 'Lower bounds (from)']], { 'aria-label': `${title}: bounds`, id: `${id}-bounds` }, (kind) => {
    const converted = convertBounds(table.brackets, table.measure, kind);
    if (!converted) {
      options.say('Every bound must be filled in before the bounds can be converted.');
      redraw();
      return;
    }
    table.brackets = converted;
    redraw();
  });
  const rateBy = select(
    table.rate_by ?? '',
    [['', 'One rate per bracket'], ['flat_fee', 'By flat fee (retroactive)'], ...(table.rate_by && table.rate_by !== 'flat_fee' ? [[table.rate_by, `By ${table.rate_by}`] as [string, string]] : [])],
    { 'aria-label': `${title}: rates`, 'data-pointer': `${at}/rate_by` },
    (value) => {
      if (value) {
        table.rate_by = value;
        table.mode = 'retroactive';
        for (const bracket of table.brackets) if (typeof bracket.rate !== 'object') bracket.rate = { false: bracket.rate, true: bracket.rate };
      } else {
        delete table.rate_by;
        for (const bracket of table.brackets) {
          if (typeof bracket.rate === 'object') bracket.rate = bracket.rate.false ?? bracket.rate['*'] ?? Object.values(bracket.rate)[0] ?? 0;
        }
      }
      redraw();
    },
  );
  const mode = select(table.mode, [['graduated', 'Graduated'], ['retroactive', 'Retroactive']], { 'aria-label': `${title}: mode`, 'data-pointer': `${at}/mode` }, (v) => (table.mode = v));
  const controls = h(
    'div',
    { class: 'fields' },
    measureControl && table.measure !== undefined
      ? field('Measure', select(table.measure, MEASURES, { 'data-pointer': `${at}/measure` }, (v) => { table.measure = v; redraw(); }))
      : null,
    field('Mode', mode),
    field('Bounds', bounds),
    field('Rates', rateBy),
  );

  const unitWord = count ? 'amount per unit' : 'rate in percent';
  const head = h(
    'tr',
    {},
    h('th', {}, lower ? `From (${count ? 'count' : '$'})` : `Up to (${count ? 'count' : '$'})`),
    ...keys.map((key) => h('th', {}, key === '' ? (count ? '$ per unit' : 'Rate %') : `${count ? '$' : '%'} ${VALUE_WORDS[key] ?? key}`)),
    h('th', {}, h('span', { class: 'visually-hidden' }, 'Remove')),
  );
  const rows = table.brackets.map((bracket, index) => {
    const last = index === table.brackets.length - 1;
    const label = name ? `${name} bracket ${index + 1}` : `Bracket ${index + 1}`;
    const bound = lower
      ? h('input', {
          type: 'number', min: '0', step: 'any', inputmode: 'decimal', value: bracket.from === undefined ? '' : String(bracket.from),
          readonly: index === 0, 'aria-label': `${label} lower bound`, 'data-pointer': `${at}/brackets/${index}/from`,
        })
      : h('input', {
          type: 'number', min: '0', step: 'any', inputmode: 'decimal', value: bracket.up_to === null || bracket.up_to === undefined ? '' : String(bracket.up_to),
          placeholder: last ? 'no limit' : '', 'aria-label': `${label} upper bound`, 'data-pointer': `${at}/brackets/${index}/up_to`,
        });
    bound.addEventListener('input', () => {
      if (lower) {
        if (bound.value === '') delete bracket.from;
        else bracket.from = Number(bound.value);
      } else bracket.up_to = bound.value === '' ? null : Number(bound.value);
    });
    const cells = keys.map((key) => {
      const rates = typeof bracket.rate === 'object' ? bracket.rate : undefined;
      const stored: Rate | undefined = key === '' ? (typeof bracket.rate === 'object' ? undefined : bracket.rate) : rates?.[key];
      const shown = stored === undefined ? '' : count ? String(stored) : ratePercent(stored);
      const write = (value: Rate | undefined) => {
        if (key === '') {
          if (value !== undefined) bracket.rate = value;
          return;
        }
        const map = typeof bracket.rate === 'object' ? bracket.rate : (bracket.rate = {});
        if (value === undefined) delete map[key];
        else map[key] = value;
      };
      const input = keptInput(shown, () => write(stored), (text) => write(text.trim() === '' && key !== '' ? undefined : count ? amountRate(text) : percentRate(text)), {
        inputmode: 'decimal',
        'aria-label': key === '' ? `${label} ${unitWord}` : `${label} ${unitWord}, ${VALUE_WORDS[key] ?? key}`,
        'data-pointer': key === '' ? `${at}/brackets/${index}/rate` : `${at}/brackets/${index}/rate/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      });
      return h('td', {}, input);
    });
    const remove = h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${label}`, disabled: table.brackets.length === 1 }, '×');
    remove.addEventListener('click', () => {
      table.brackets.splice(index, 1);
      const first = table.brackets[0];
      const final = table.brackets[table.brackets.length - 1];
      if (lower && first) first.from = 0;
      if (!lower && final) final.up_to = null;
      redraw();
    });
    return h('tr', {}, h('td', {}, bound), ...cells, h('td', {}, remove));
  });
  const add = h('button', { type: 'button', class: 'button secondary' }, `+ Bracket`);
  add.setAttribute('aria-label', `Add a bracket to ${title}`);
  add.addEventListener('click', () => {
    const brackets = table.brackets;
    const last = brackets[brackets.length - 1];
    const rate: Bracket['rate'] = last ? structuredClone(last.rate) : 0.1;
    const gap = count ? 5 : 50000;
    if (lower) {
      brackets.push({ from: (last?.from ?? 0) + (brackets.length === 0 ? 0 : gap), rate });
    } else {
      const previousCap = brackets.length > 1 ? (brackets[brackets.length - 2]?.up_to ?? 0) : 0;
      if (last) last.up_to = last.up_to ?? previousCap + gap;
      brackets.push({ up_to: null, rate });
    }
    redraw();
  });
  return [
    controls,
    h('div', { class: 'table-wrap', 'data-pointer': `${at}/brackets` }, h('table', { class: 'table brackets', id: `${id}-brackets` }, h('thead', {}, head), h('tbody', {}, ...rows))),
    h('div', { class: 'toolbar' }, add),
  ];
}

function teamFields(team: TeamScope | undefined, at: string, name: string, set: (team: TeamScope | undefined) => void): HTMLElement {
  const scope: TeamScope = team ? team : {};
  const store = () => set(scope.role === undefined && scope.where === undefined ? undefined : scope);
  const original = team?.where;
  const role = select(scope.role ?? '', [['', 'Any side'], ['acq', 'Acquisitions'], ['dispo', 'Dispositions']], { 'data-pointer': `${at}/role` }, (value) => {
    if (value === '') delete scope.role;
    else scope.role = value;
    store();
  });
  const where = keptInput(
    whereText(original),
    () => {
      if (original === undefined) delete scope.where;
      else scope.where = original;
      store();
    },
    (text) => {
      const parsed = whereOf(text);
      if (Object.keys(parsed).length === 0) delete scope.where;
      else scope.where = parsed;
      store();
    },
    { 'aria-label': `${name}: deals where (attribute=value, comma-separated)`, placeholder: 'e.g. tl_eligible=true', 'data-pointer': `${at}/where` },
  );
  return h('div', { class: 'fields' }, field('Team side', role), field('Deals where', where, 'attribute=value, comma-separated'));
}

function overrideFields(component: Override, index: number, options: EditorOptions, remove: () => void): HTMLElement {
  const at = `/components/${index}`;
  const name = component.label ? `Override “${component.label}”` : `Override ${index + 1}`;
  const original = component.label;
  const label = keptInput(
    original ?? '',
    () => {
      if (original === undefined) delete component.label;
      else component.label = original;
    },
    (text) => {
      if (text.trim() === '') delete component.label;
      else component.label = text;
    },
    { 'aria-label': `${name}: label`, 'data-pointer': `${at}/label` },
  );
  const team = teamFields(component.team, `${at}/team`, name, (scope) => {
    if (scope) component.team = scope;
    else delete component.team;
  });
  const pays = select(component.tiers ? 'tiers' : 'rate', [['rate', 'One rate'], ['tiers', 'A tier table']], { 'aria-label': `${name}: pays`, 'data-pointer': `${at}/tiers` }, (value) => {
    if (value === 'tiers') {
      const rate = component.rate ?? 0.01;
      delete component.rate;
      component.tiers = { mode: 'retroactive', brackets: [{ from: 0, rate }] };
    } else {
      const first = component.tiers?.brackets[0]?.rate;
      delete component.tiers;
      component.rate = first === undefined ? 0.01 : typeof first === 'object' ? (first.false ?? first['*'] ?? Object.values(first)[0] ?? 0.01) : first;
    }
    options.redraw();
  });
  const body: HTMLElement[] = [];
  if (component.tiers) {
    body.push(...tableFields(component.tiers, `${at}/tiers`, name, options, false));
  } else {
    const stored = component.rate;
    const rate = keptInput(stored === undefined ? '' : ratePercent(stored), () => {
      if (stored === undefined) delete component.rate;
      else component.rate = stored;
    }, (text) => (component.rate = percentRate(text)), { inputmode: 'decimal', 'aria-label': `${name}: rate in percent of team GP`, 'data-pointer': `${at}/rate` });
    body.push(h('div', { class: 'fields' }, field('Rate % of team GP', rate)));
  }
  return h(
    'fieldset',
    { class: 'plan-component', 'data-pointer': at },
    h('legend', {}, `${name}: on team GP`),
    h('div', { class: 'fields' }, field('Label', label), field('Pays', pays)),
    team,
    ...body,
    h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'button secondary', onclick: remove, 'aria-label': `Remove ${name}` }, 'Remove override')),
  );
}

function tierOverrideFields(plan: PlanDefinition, options: EditorOptions): HTMLElement {
  const list = plan.tier_overrides ?? [];
  const rows = list.map((entry, index) => {
    const at = `/tier_overrides/${index}`;
    const label = `Tier override ${index + 1}`;
    const text = (key: 'payee' | 'reason', words: string) => {
      const input = h('input', { type: 'text', value: entry[key], 'aria-label': `${label}: ${words}`, 'data-pointer': `${at}/${key}` });
      input.addEventListener('input', () => (entry[key] = input.value));
      return h('td', {}, input);
    };
    const month = (key: 'from' | 'to', words: string) => {
      const input = h('input', { type: 'month', value: entry[key], 'aria-label': `${label}: ${words}`, 'data-pointer': `${at}/${key}` });
      input.addEventListener('input', () => (entry[key] = input.value));
      return h('td', {}, input);
    };
    const bracket = h('input', { type: 'number', min: '1', step: '1', value: String(entry.bracket), 'aria-label': `${label}: bracket number`, 'data-pointer': `${at}/bracket` });
    bracket.addEventListener('input', () => (entry.bracket = Number(bracket.value)));
    const remove = h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${label}` }, '×');
    remove.addEventListener('click', () => {
      list.splice(index, 1);
      if (list.length === 0) delete plan.tier_overrides;
      options.redraw();
    });
    return h('tr', {}, text('payee', 'payee'), h('td', {}, bracket), text('reason', 'reason'), month('from', 'from month'), month('to', 'to month'), h('td', {}, remove));
  });
  const add = h('button', { type: 'button', class: 'button secondary' }, '+ Tier override');
  add.addEventListener('click', () => {
    const entry: TierOverride = { payee: '', bracket: 1, reason: '', from: options.month, to: options.month };
    plan.tier_overrides = [...(plan.tier_overrides ?? []), entry];
    options.redraw();
  });
  return h(
    'fieldset',
    { class: 'plan-component', 'data-pointer': '/tier_overrides' },
    h('legend', {}, 'Tier overrides (a payee paid at a fixed bracket)'),
    rows.length
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'table brackets', id: 'tier-overrides' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Payee'), h('th', {}, 'Bracket'), h('th', {}, 'Reason'), h('th', {}, 'From'), h('th', {}, 'To'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Remove')))),
            h('tbody', {}, ...rows),
          ),
        )
      : h('p', { class: 'muted' }, 'None.'),
    h('div', { class: 'toolbar' }, add),
  );
}

/** A names list (exclude, agents): kept as stored unless its text changes; emptied, the field goes. */
function namesInput(plan: PlanDefinition, key: 'exclude' | 'agents', attrs: Record<string, string>): HTMLInputElement {
  const original = plan[key];
  return keptInput(
    listText(original),
    () => {
      if (original === undefined) delete plan[key];
      else plan[key] = original;
    },
    (text) => {
      const names = listOf(text);
      if (names.length === 0) delete plan[key];
      else plan[key] = names;
    },
    { ...attrs, 'data-pointer': `/${key}` },
  );
}

/** Every field of the plan (not the buttons). */
export function planFields(plan: PlanDefinition, options: EditorOptions): HTMLElement[] {
  const { redraw } = options;
  const name = h('input', { type: 'text', value: plan.name, maxlength: '200', 'aria-label': 'Plan name', 'data-pointer': '/name' });
  name.addEventListener('input', () => (plan.name = name.value));
  const types = h('fieldset', { class: 'inline', 'data-pointer': '/applies_to' }, h('legend', {}, 'Applies to'));
  for (const [value, label] of [
    ['acq', 'Acquisitions'],
    ['dispo', 'Dispositions'],
    ['manager', 'Managers'],
  ] as const) {
    const box = h('input', { type: 'checkbox', value, checked: plan.applies_to.includes(value) });
    box.addEventListener('change', () => {
      plan.applies_to = box.checked ? [...new Set([...plan.applies_to, value])] : plan.applies_to.filter((t) => t !== value);
    });
    types.append(h('label', { class: 'chip' }, box, ` ${label}`));
  }
  const basis = select(plan.basis, [['deal', 'Per deal'], ['month', 'Month'], ['quarter', 'Quarter'], ['year', 'Year']], { 'data-pointer': '/basis' }, (v) => (plan.basis = v));
  const agents = namesInput(plan, 'agents', { 'aria-label': 'Only these payees (comma-separated)', placeholder: 'everyone in the roles', id: 'plan-agents' });
  const exclude = namesInput(plan, 'exclude', { 'aria-label': 'Excluded payees (comma-separated)', placeholder: 'nobody', id: 'plan-exclude' });

  const tiers: HTMLElement[] = [];
  if (plan.tiers) {
    const own = plan.tiers;
    tiers.push(h('fieldset', { class: 'plan-component', 'data-pointer': '/tiers' }, h('legend', {}, 'Tiers'), ...tableFields(own, '/tiers', '', options, true),
      own.team || own.measure === 'team_gp' ? teamFields(own.team, '/tiers/team', 'Tiers', (scope) => { if (scope) own.team = scope; else delete own.team; }) : null));
  } else {
    const add = h('button', { type: 'button', class: 'button secondary' }, '+ Tier table');
    add.addEventListener('click', () => {
      plan.tiers = { measure: 'gp', mode: 'graduated', brackets: [{ up_to: null, rate: 0.1 }] };
      redraw();
    });
    tiers.push(h('div', { class: 'toolbar' }, add));
  }

  const components = (plan.components ?? []).map((component, index) => {
    const remove = () => {
      plan.components!.splice(index, 1);
      if (plan.components!.length === 0) delete plan.components;
      redraw();
    };
    if (component.type === 'override' && component.of === 'team_gp') return overrideFields(component, index, options, remove);
    return h(
      'fieldset',
      { class: 'plan-component', 'data-pointer': `/components/${index}`, 'data-readonly': 'true' },
      h('legend', {}, `Component ${index + 1}: ${component.type}${component.label ? ` (${component.label})` : ''}`),
      h('p', { class: 'muted' }, 'This editor does not edit this kind of component: it is kept exactly as stored when you save.'),
      h('pre', { class: 'plan-json', tabindex: '0', role: 'region', 'aria-label': `Component ${index + 1} as stored` }, JSON.stringify(component, null, 2)),
    );
  });
  const addOverride = h('button', { type: 'button', class: 'button secondary' }, '+ Team override');
  addOverride.addEventListener('click', () => {
    plan.components = [...(plan.components ?? []), { type: 'override', of: 'team_gp', rate: 0.01 }];
    if (!plan.applies_to.includes('manager')) plan.applies_to = [...plan.applies_to, 'manager'];
    redraw();
  });

  return [
    h('label', { class: 'field' }, 'Name ', name),
    types,
    h('div', { class: 'fields' }, field('Basis', basis)),
    h('div', { class: 'fields' }, field('Only these payees', agents, 'comma-separated; empty: everyone in the roles'), field('Excluded payees', exclude, 'comma-separated')),
    ...tiers,
    ...(plan.tiers || (plan.tier_overrides?.length ?? 0) > 0 ? [tierOverrideFields(plan, options)] : []),
    ...components,
    h('div', { class: 'toolbar' }, addOverride),
  ];
}

/**
 * Shows each problem of a 422 beside the field its pointer names (the field whose `data-pointer` is
 * the longest prefix of it); returns the problems no field names.
 */
export function showProblems(form: HTMLElement, problems: Array<{ pointer: string; message: string }>): Array<{ pointer: string; message: string }> {
  clearProblems(form);
  const fields = [...form.querySelectorAll<HTMLElement>('[data-pointer]')];
  const unplaced: Array<{ pointer: string; message: string }> = [];
  let n = 0;
  for (const problem of problems) {
    let best: HTMLElement | undefined;
    for (const element of fields) {
      const at = element.dataset.pointer!;
      if ((problem.pointer === at || problem.pointer.startsWith(`${at}/`)) && (!best || at.length > best.dataset.pointer!.length)) best = element;
    }
    if (!best) {
      unplaced.push(problem);
      continue;
    }
    n += 1;
    const id = `plan-problem-${n}`;
    const note = h('span', { class: 'error field-problem', id, 'data-problem-for': problem.pointer }, `${problem.message} (${problem.pointer})`);
    if (best.matches('input, select')) {
      best.setAttribute('aria-invalid', 'true');
      best.setAttribute('aria-describedby', [best.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
      best.insertAdjacentElement('afterend', note);
    } else if (best.matches('fieldset')) best.append(note);
    else best.insertAdjacentElement('afterend', note);
  }
  return unplaced;
}

export function clearProblems(form: HTMLElement): void {
  for (const note of form.querySelectorAll('.field-problem')) note.remove();
  for (const element of form.querySelectorAll('[aria-invalid]')) {
    element.removeAttribute('aria-invalid');
    element.removeAttribute('aria-describedby');
  }
}

/** "acquisitions, managers; for Lee Lead": who a plan pays, for the picker. */
export function rolesText(plan: PlanDefinition): string {
  const words: Record<string, string> = { acq: 'acquisitions', dispo: 'dispositions', manager: 'managers' };
  const roles = plan.applies_to.map((role) => words[role] ?? role).join(', ');
  return plan.agents?.length ? `${roles}; for ${plan.agents.join(', ')}` : roles;
}

/** A short text of a plan's brackets ("4% from $0, 6% from $25K"), for comparisons. */
export function bracketsSummary(plan: PlanDefinition, money: (n: number) => string): string {
  const tiers = plan.tiers;
  if (!tiers) return 'no tier table';
  const count = COUNT_MEASURES.has(tiers.measure);
  const unit = count ? (n: number) => `${n} ${tiers.measure}` : money;
  const rate = (r: Bracket['rate']) =>
    typeof r === 'object' ? Object.entries(r).map(([key, value]) => `${count ? value : `${ratePercent(value)}%`} ${VALUE_WORDS[key] ?? key}`).join(' / ') : count ? `$${r}` : `${ratePercent(r)}%`;
  return tiers.brackets
    .map((b) => (b.from !== undefined ? `${rate(b.rate)} from ${unit(b.from)}` : `${rate(b.rate)} ${b.up_to === null || b.up_to === undefined ? 'above' : `to ${unit(b.up_to)}`}`))
    .join(', ');
}
