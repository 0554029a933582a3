import { ApiError, apiGet, apiSend } from '../api';
import { destroyCharts, makeChart, palette } from '../charts/chart';
import { saveCsv } from '../csv';
import { h } from '../dom';
import { formatCompactMoney, formatMoney, formatMonth, formatPct, plural } from '../format';
import type { AgentComparison, AgentsView, OptimizeResult, PlanDefinition, Simulation, StoredPlan, Summary } from '../types';
import { sortableTable, type Column } from '../table';
import { card, errorState, loadingState, notAvailable, section } from '../ui';
import { query, type View, type ViewContext } from '../view';
import { coverage, signedMoney, type Coverage } from './plan-coverage';

/**
 * What this editor edits: one tier table bounded from above, with a plain rate per bracket. A
 * stored plan with other parts (components, lower bounds, rates by a deal attribute) is not opened
 * here: `editablePlan` says which are.
 */
interface EditableBracket {
  up_to: number | null;
  rate: number;
}
export type EditablePlan = Omit<PlanDefinition, 'tiers' | 'components'> & {
  tiers: { measure: 'gp' | 'deals'; mode: 'graduated' | 'retroactive'; brackets: EditableBracket[] };
};

/** The definition as this editor's shape, or undefined when it has parts the editor cannot show. */
export function editablePlan(definition: PlanDefinition): EditablePlan | undefined {
  const { tiers, components, tier_overrides } = definition;
  if (!tiers || (components && components.length > 0) || (tier_overrides && tier_overrides.length > 0)) return undefined;
  if (tiers.measure !== 'gp' && tiers.measure !== 'deals') return undefined;
  if (tiers.rate_by !== undefined || tiers.team !== undefined) return undefined;
  const brackets: EditableBracket[] = [];
  for (const bracket of tiers.brackets) {
    if (bracket.from !== undefined || bracket.up_to === undefined || typeof bracket.rate !== 'number') return undefined;
    brackets.push({ up_to: bracket.up_to, rate: bracket.rate });
  }
  const { components: _components, ...rest } = definition;
  return { ...rest, tiers: { measure: tiers.measure, mode: tiers.mode, brackets } };
}

/** The simulation as `POST /plans/simulate` answers it (amounts in currency units). */
export type SimulationResult = Simulation;
export type SimulatedPayee = AgentComparison;
type Candidate = OptimizeResult['plans'][number];
type PlanRecord = StoredPlan;
/** The plan the tenant pays by at the end of the period. */
interface InForce {
  id: string;
  name: string;
  version: number;
  effective_from: string;
  definition: EditablePlan;
}

const SAMPLE_PLAN: EditablePlan = {
  name: 'Declining GP brackets',
  applies_to: ['acq', 'dispo'],
  basis: 'month',
  tiers: {
    measure: 'gp',
    mode: 'graduated',
    brackets: [
      { up_to: 50000, rate: 0.16 },
      { up_to: 100000, rate: 0.14 },
      { up_to: null, rate: 0.12 },
    ],
  },
};

/** The plan being edited survives re-renders (period changes, live refreshes) once someone touched it. */
let draft: EditablePlan | undefined;
/** A status line that outlives the re-render a save causes. */
let lastSaved: string | undefined;

/** The version in force at `month` of each plan; the newest of those (latest start, then latest plan). */
export function planInForce(plans: PlanRecord[], month: string): InForce | undefined {
  let best: InForce | undefined;
  let bestCreated = '';
  for (const plan of plans) {
    const version = plan.versions.filter((v) => v.effective_from <= month).sort((a, b) => (a.effective_from < b.effective_from ? -1 : a.effective_from > b.effective_from ? 1 : a.version - b.version)).at(-1);
    const definition = version && editablePlan(version.definition);
    if (!version || !definition) continue;
    const better = !best || version.effective_from > best.effective_from || (version.effective_from === best.effective_from && plan.created_at > bestCreated);
    if (better) {
      best = { id: plan.id, name: plan.name, version: version.version, effective_from: version.effective_from, definition };
      bestCreated = plan.created_at;
    }
  }
  return best;
}

function bracketsText(plan: EditablePlan): string {
  const unit = plan.tiers.measure === 'deals' ? (n: number) => `${n} deals` : formatCompactMoney;
  return plan.tiers.brackets.map((b) => `${(b.rate * 100).toFixed(1)}% ${b.up_to === null ? 'above' : `to ${unit(b.up_to)}`}`).join(', ');
}

/** The optimiser speaks fractions for rates in its reasons ("0.05..0.2"); the form speaks percent. */
export function percentRates(text: string): string {
  return text.replace(/\b(0(?:\.\d+)?|1)\.\.(0(?:\.\d+)?|1)\b/g, (_, low: string, high: string) => `${+(Number(low) * 100).toFixed(2)}%–${+(Number(high) * 100).toFixed(2)}%`);
}

export const plansView: View = {
  id: 'plans',
  label: 'Plans',
  async render(ctx) {
    const q = query(ctx.period);
    const [agents, summary, stored] = await Promise.all([
      apiGet<AgentsView>(`/analytics/agents?${q}`, ctx.signal),
      apiGet<Summary>(`/analytics/summary?${q}`, ctx.signal),
      apiGet<{ items: PlanRecord[] }>('/plans', ctx.signal).then(
        (body) => ({ available: true, plans: body.items }),
        (error: unknown) => {
          if (error instanceof ApiError && error.kind === 'missing-route') return { available: false, plans: [] as PlanRecord[] };
          throw error;
        },
      ),
    ]);
    const range = { from: agents.period.from, to: agents.period.to };
    const inForce = planInForce(stored.plans, range.to);
    draft ??= structuredClone(inForce?.definition ?? SAMPLE_PLAN);

    const editor = h('form', { class: 'plan-editor', novalidate: true });
    const status = h('p', { class: 'plan-status', id: 'plan-status', role: 'status' }, lastSaved ?? '');
    const result = h('div', { class: 'plan-result', 'aria-live': 'polite' });
    const optimiserHost = h('div');
    let baseline: SimulationResult | undefined;

    const simulateDefinition = (plan: PlanDefinition) =>
      apiSend<SimulationResult>('POST', '/plans/simulate', { plan, from: range.from, to: range.to }, ctx.signal, { inlinePaywall: true });

    const simulate = async () => {
      destroyCharts(result);
      result.replaceChildren(loadingState('Simulating…'));
      result.dataset.state = 'loading';
      try {
        const plan = draft!;
        const [simulation, base] = await Promise.all([
          simulateDefinition(plan),
          inForce && !baseline ? simulateDefinition(inForce.definition) : Promise.resolve(baseline),
        ]);
        baseline = base;
        showSimulation(result, plan, simulation, agents, inForce && baseline ? { name: inForce.name, simulation: baseline } : undefined);
        result.dataset.state = 'ready';
      } catch (error) {
        if (error instanceof DOMException) return;
        result.dataset.state = 'error';
        result.replaceChildren(error instanceof ApiError && error.kind === 'missing-route' ? notAvailable('Plan simulation', 'The plan engine is not on this server.') : errorState(error, () => void simulate()));
      }
    };

    const save = async () => {
      status.textContent = 'Saving…';
      try {
        const plan = draft!;
        await apiSend('POST', '/plans', plan, undefined, { inlinePaywall: true });
        // Kept in place (not a toast): the change feed's own notice must not replace it.
        lastSaved = `Saved “${plan.name}” at ${new Date().toLocaleTimeString()}: it is now the plan in force.`;
        status.textContent = lastSaved;
        ctx.dataChanged();
      } catch (error) {
        status.textContent =
          error instanceof ApiError && error.status === 403 ? 'Not saved: only an administrator can save plans.' : `Not saved: ${error instanceof Error ? error.message : 'unknown error'}`;
      }
    };

    const drawEditor = () => editor.replaceChildren(...editorFields(draft!, () => void save(), drawEditor));
    editor.addEventListener('submit', (event) => {
      event.preventDefault();
      lastSaved = undefined;
      void simulate();
    });
    drawEditor();

    const origin = inForce
      ? h('p', { class: 'muted', id: 'plan-origin' }, `Opened on the plan in force: “${inForce.name}”, version ${inForce.version}${inForce.effective_from > '1970-01' ? ` since ${formatMonth(inForce.effective_from)}` : ''}.`)
      : h('p', { class: 'muted', id: 'plan-origin' }, 'No plan is saved yet, so the editor starts from a sample plan; differences are against what was actually paid. Save a plan to make it the plan in force.');
    const reload = inForce
      ? h('button', { type: 'button', class: 'button secondary', onclick: () => { draft = structuredClone(inForce.definition); drawEditor(); void simulate(); } }, 'Back to the plan in force')
      : null;

    const flatPaid = (summary.problem_agent_details ?? []).filter((p) => p.rule === 'commission_pct').map((p) => p.name);
    optimiserHost.append(
      optimiserForm(ctx, range, flatPaid, () => baseline, inForce, agents, (plan) => {
        draft = structuredClone(plan);
        drawEditor();
        void simulate();
      }),
    );

    ctx.mount(
      h(
        'div',
        { class: 'view' },
        stored.available ? null : notAvailable('Saved plans', 'The plan engine is not on this server.'),
        h(
          'div',
          { class: 'grid-2' },
          section('Plan', origin, h('p', { class: 'muted' }, `Simulated over ${formatMonth(range.from)} – ${formatMonth(range.to)} (the period picker).`), reload, editor, status),
          section('Optimiser', optimiserHost),
        ),
        section('Simulated against actual pay', result),
      ),
    );
    await simulate();
  },
};

/** The editor's fields; its form simulates on submit (the Simulate button, or Enter in a field). */
function editorFields(plan: EditablePlan, onSave: () => void, redraw: () => void): HTMLElement[] {
  const name = h('input', { type: 'text', value: plan.name, maxlength: '100', 'aria-label': 'Plan name' });
  name.addEventListener('input', () => {
    plan.name = name.value;
  });
  const types = h('fieldset', { class: 'inline' }, h('legend', {}, 'Applies to'));
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
  const select = <T extends string>(label: string, value: T, options: Array<[T, string]>, set: (value: T) => void) => {
    const element = h('select', {}, ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
    element.addEventListener('change', () => set(element.value as T));
    return h('label', { class: 'field' }, `${label} `, element);
  };
  const rows = plan.tiers.brackets.map((bracket, index) => bracketRow(plan, bracket, index, redraw));
  const table = h(
    'table',
    { class: 'table brackets' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Up to ($ or count)'), h('th', {}, 'Rate %'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Remove')))),
    h('tbody', {}, ...rows),
  );
  const add = h('button', { type: 'button', class: 'button secondary' }, '+ Bracket');
  add.addEventListener('click', () => {
    const brackets = plan.tiers.brackets;
    const last = brackets[brackets.length - 1];
    const previousCap = brackets.length > 1 ? (brackets[brackets.length - 2]?.up_to ?? 0) : 0;
    if (last) last.up_to = last.up_to ?? previousCap + 50000;
    brackets.push({ up_to: null, rate: Math.max(0, (last?.rate ?? 0.1) - 0.01) });
    redraw();
  });
  const run = h('button', { type: 'submit', class: 'button' }, 'Simulate');
  const saveButton = h('button', { type: 'button', class: 'button secondary', onclick: onSave }, 'Save plan');
  return [
    h('label', { class: 'field' }, 'Name ', name),
    types,
    h(
      'div',
      { class: 'fields' },
      select('Basis', plan.basis, [['deal', 'Per deal'], ['month', 'Month'], ['quarter', 'Quarter'], ['year', 'Year']], (v) => (plan.basis = v)),
      select('Measure', plan.tiers.measure, [['gp', 'GP'], ['deals', 'Deals']], (v) => (plan.tiers.measure = v)),
      select('Mode', plan.tiers.mode, [['graduated', 'Graduated'], ['retroactive', 'Retroactive']], (v) => (plan.tiers.mode = v)),
    ),
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'toolbar' }, add, run, saveButton),
  ];
}

function bracketRow(plan: EditablePlan, bracket: EditableBracket, index: number, redraw: () => void): HTMLElement {
  const last = index === plan.tiers.brackets.length - 1;
  const upTo = h('input', {
    type: 'number',
    min: '0',
    step: 'any',
    inputmode: 'decimal',
    value: bracket.up_to === null ? '' : String(bracket.up_to),
    placeholder: last ? 'no limit' : '',
    'aria-label': `Bracket ${index + 1} upper bound`,
  });
  upTo.addEventListener('input', () => {
    bracket.up_to = upTo.value === '' ? null : Number(upTo.value);
  });
  const rate = h('input', { type: 'number', min: '0', max: '100', step: '0.1', inputmode: 'decimal', value: String(+(bracket.rate * 100).toFixed(4)), 'aria-label': `Bracket ${index + 1} rate in percent` });
  rate.addEventListener('input', () => {
    bracket.rate = Number(rate.value) / 100;
  });
  const remove = h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove bracket ${index + 1}`, disabled: plan.tiers.brackets.length === 1 }, '×');
  remove.addEventListener('click', () => {
    plan.tiers.brackets.splice(index, 1);
    const final = plan.tiers.brackets[plan.tiers.brackets.length - 1];
    if (final) final.up_to = null;
    redraw();
  });
  return h('tr', {}, h('td', {}, upTo), h('td', {}, rate), h('td', {}, remove));
}

const PAYEE_TYPE: Record<SimulatedPayee['payee_type'], string> = { acq: 'Acquisitions', dispo: 'Dispositions', manager: 'Manager' };

function showSimulation(host: HTMLElement, plan: PlanDefinition, simulation: SimulationResult, agents: AgentsView, current: { name: string; simulation: SimulationResult } | undefined): void {
  destroyCharts(host);
  const cover: Coverage = coverage(plan, simulation, agents);
  const delta = simulation.total_commission - simulation.actual_commission;
  const versusCurrent = current ? simulation.total_commission - current.simulation.total_commission : undefined;
  const range = `${formatMonth(simulation.from)} – ${formatMonth(simulation.to)}`;
  const list = (title: string, items: SimulatedPayee[], tone: string) =>
    h(
      'div',
      {},
      h('h3', {}, title),
      items.length
        ? h('ol', { class: `movers ${tone}` }, ...items.map((a) => h('li', {}, h('span', {}, a.agent), h('span', { class: 'num' }, signedMoney(a.delta)))))
        : h('p', { class: 'muted' }, 'Nobody.'),
    );

  const agentColumns: Array<Column<SimulatedPayee>> = [
    { label: 'Payee', sort: (a) => a.agent },
    { label: 'Type', sort: (a) => PAYEE_TYPE[a.payee_type], narrow: true },
    { label: 'GP', sort: (a) => a.gp, text: (a) => formatMoney(a.gp), numeric: true, narrow: true },
    { label: 'Actual', sort: (a) => a.actual, text: (a) => formatMoney(a.actual), numeric: true },
    { label: 'Simulated', sort: (a) => a.simulated, text: (a) => formatMoney(a.simulated), numeric: true },
    { label: 'Difference', sort: (a) => a.delta, text: (a) => signedMoney(a.delta), numeric: true },
    { label: 'Difference % of actual', sort: (a) => a.delta_pct, text: (a) => formatPct(a.delta_pct), numeric: true, narrow: true },
  ];
  const monthRows = simulation.by_month.map((m) => ({ ...m, coveredGp: cover.monthGp.get(m.month) ?? null }));
  type MonthRow = (typeof monthRows)[number];
  const pctOf = (value: number, gp: number | null) => (gp ? (value / gp) * 100 : null);
  const monthColumns: Array<Column<MonthRow>> = [
    { label: 'Month', sort: (m) => m.month, text: (m) => formatMonth(m.month) },
    { label: 'Actual', sort: (m) => m.actual, text: (m) => formatMoney(m.actual), numeric: true },
    { label: 'Simulated', sort: (m) => m.simulated, text: (m) => formatMoney(m.simulated), numeric: true },
    { label: 'Difference', sort: (m) => m.simulated - m.actual, text: (m) => signedMoney(m.simulated - m.actual), numeric: true },
    { label: `Actual % of covered GP`, sort: (m) => pctOf(m.actual, m.coveredGp), text: (m) => formatPct(pctOf(m.actual, m.coveredGp), 2), numeric: true, narrow: true },
    { label: `Simulated % of covered GP`, sort: (m) => pctOf(m.simulated, m.coveredGp), text: (m) => formatPct(pctOf(m.simulated, m.coveredGp), 2), numeric: true, narrow: true },
  ];
  const file = `simulation-${simulation.from}-to-${simulation.to}`;
  const downloadAgents = () =>
    saveCsv(
      `${file}-by-payee.csv`,
      ['payee', 'type', 'gp', 'actual', 'simulated', 'difference', 'difference_pct_of_actual'],
      simulation.by_agent.map((a) => [a.agent, a.payee_type, a.gp, a.actual, a.simulated, a.delta, a.delta_pct]),
    );
  const downloadMonths = () =>
    saveCsv(
      `${file}-by-month.csv`,
      ['month', 'covered_gp', 'actual', 'simulated', 'difference', 'actual_pct_of_covered_gp', 'simulated_pct_of_covered_gp'],
      monthRows.map((m) => [m.month, m.coveredGp, m.actual, m.simulated, +(m.simulated - m.actual).toFixed(2), round2(pctOf(m.actual, m.coveredGp)), round2(pctOf(m.simulated, m.coveredGp))]),
    );

  const chartHost = h('div');
  host.replaceChildren(
    h(
      'div',
      { class: 'kpis' },
      card('Simulated commission', formatMoney(simulation.total_commission), range),
      card('Actually paid', formatMoney(simulation.actual_commission), `to the same ${plural(simulation.by_agent.length, 'payee')}`),
      card('Difference vs actually paid', signedMoney(delta), delta > 0 ? 'the plan costs more' : delta < 0 ? 'the plan saves' : 'no change', delta > 0 ? 'bad' : delta < 0 ? 'good' : undefined),
      current && versusCurrent !== undefined
        ? card(`Difference vs “${current.name}”`, signedMoney(versusCurrent), 'the plan in force, simulated over the same months', versusCurrent > 0 ? 'bad' : versusCurrent < 0 ? 'good' : undefined)
        : null,
      h('div', { id: 'simulation-pct' }, card(`Commission % of covered GP`, formatPct(cover.pct(simulation.total_commission), 2), `actual ${formatPct(cover.pct(simulation.actual_commission), 2)}; ${cover.label}`)),
    ),
    h('p', { class: 'muted definition' }, `Every percentage here is ${cover.label}: ${formatMoney(cover.gp)} of GP over ${range}.`),
    chartHost,
    h('div', { class: 'grid-2' }, list('Winners (paid more)', simulation.winners, 'good'), list('Losers (paid less)', simulation.losers, 'bad')),
    h('div', { class: 'split toolbar' }, h('h3', {}, 'By payee'), h('button', { type: 'button', class: 'button secondary', id: 'simulation-csv-payees', onclick: downloadAgents }, 'Download CSV')),
    sortableTable(agentColumns, simulation.by_agent, { id: 'simulation-payees', caption: 'Actual, simulated and difference per payee', sortBy: 5, descending: false }),
    h('div', { class: 'split toolbar' }, h('h3', {}, 'By month'), h('button', { type: 'button', class: 'button secondary', id: 'simulation-csv-months', onclick: downloadMonths }, 'Download CSV')),
    sortableTable(monthColumns, monthRows, { id: 'simulation-months', caption: 'Actual, simulated and difference per month', sortBy: 0 }),
    ...(simulation.warnings.length ? [h('ul', { class: 'warnings' }, ...simulation.warnings.map((w) => h('li', {}, w)))] : []),
  );
  const colors = palette();
  const byName = [...simulation.by_agent].sort((a, b) => b.actual - a.actual);
  makeChart(
    host,
    chartHost,
    'Simulated against actual commission per payee, bar chart; the same figures are in the table below',
    {
      type: 'bar',
      data: {
        labels: byName.map((a) => a.agent),
        datasets: [
          { label: 'Actual', data: byName.map((a) => a.actual), backgroundColor: colors.series[5]!, borderRadius: 2 },
          { label: 'Simulated', data: byName.map((a) => a.simulated), backgroundColor: colors.series[0]!, borderRadius: 2 },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: {
          legend: { position: 'bottom' },
          tooltip: { callbacks: { afterBody: (items) => { const a = byName[items[0]?.dataIndex ?? 0]; return a ? `Difference: ${signedMoney(a.delta, true)}` : ''; } } },
        },
        scales: { x: { ticks: { callback: (value) => formatCompactMoney(Number(value)) } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
      },
    },
    byName.length,
    { height: Math.max(280, byName.length * 26 + 60), id: 'chart-simulation' },
  );
}

function round2(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

function optimiserForm(
  ctx: ViewContext,
  range: { from: string; to: string },
  flatPaid: string[],
  baseline: () => SimulationResult | undefined,
  current: InForce | undefined,
  agents: AgentsView,
  use: (plan: EditablePlan) => void,
): HTMLElement {
  const number = (label: string, value: string, id: string, attrs: Record<string, string> = {}) => {
    const input = h('input', { type: 'number', value, step: 'any', inputmode: 'decimal', id, ...attrs });
    return { input, field: h('label', { class: 'field' }, `${label} `, input) };
  };
  const target = number('Target: commission % of covered GP', '13', 'optimise-target', { min: '0', max: '100' });
  const loss = number('No payee loses more than (% of their pay)', '10', 'optimise-loss', { min: '0', max: '100' });
  const min = number('Lowest rate %', '5', 'optimise-min', { min: '0', max: '100' });
  const max = number('Highest rate %', '20', 'optimise-max', { min: '0', max: '100' });
  // Payees flagged for commission far above their GP are paid flat or guaranteed amounts: no GP
  // rate can keep their pay, so by default they are exempt from the loss limit (and named).
  const exempt = h('input', { type: 'text', value: flatPaid.join(', '), placeholder: 'e.g. Kyle Singer', id: 'optimise-exempt' });
  const output = h('div', { 'aria-live': 'polite', id: 'optimiser-output' });
  const run = h('button', { type: 'submit', class: 'button' }, 'Run optimiser');
  const form = h(
    'form',
    { class: 'optimiser' },
    h('p', { class: 'muted' }, 'Searches bracket breakpoints and declining rates over the period’s history for the plan closest to a target cost, within your constraints.'),
    h('div', { class: 'fields' }, target.field, loss.field, min.field, max.field),
    h('label', { class: 'field' }, 'Exempt from the loss limit (names, comma-separated) ', exempt),
    flatPaid.length ? h('p', { class: 'muted' }, `Exempt by default: ${flatPaid.join(', ')} — paid far above a GP rate (a flat or guaranteed amount), which no bracket plan can match.`) : null,
    h('div', { class: 'toolbar' }, run),
    output,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    run.disabled = true;
    output.replaceChildren(loadingState('Searching plans… this can take a few seconds.'));
    try {
      const plan = draft ?? SAMPLE_PLAN;
      const applies: PlanDefinition['applies_to'] = plan.applies_to.length ? plan.applies_to : ['acq', 'dispo'];
      const base = baseline();
      // The form's target is on the covered payees' GP; the optimiser's on the company's GP.
      const scoped = { ...plan, applies_to: applies };
      const cover = base ? coverage(scoped, base, agents) : undefined;
      const companyTarget = cover && base && base.total_gp > 0 ? (Number(target.input.value) * cover.gp) / base.total_gp : Number(target.input.value);
      const found = await apiSend<OptimizeResult>(
        'POST',
        '/plans/optimize',
        {
          target_commission_pct: Math.round(companyTarget * 10000) / 10000,
          max_loss_pct: Number(loss.input.value),
          // The form speaks percent; the API takes rates as fractions.
          rate_bounds: { min: Number(min.input.value) / 100, max: Number(max.input.value) / 100 },
          applies_to: applies,
          exempt: exempt.value.split(',').map((name) => name.trim()).filter(Boolean),
          from: range.from,
          to: range.to,
        },
        ctx.signal,
        { inlinePaywall: true },
      );
      if (!found.plans.length) {
        output.replaceChildren(h('p', { class: 'state state-empty', 'data-outcome': 'none' }, percentRates(found.reason ?? 'No plan meets these constraints. Loosen the loss limit or widen the rates.')));
        return;
      }
      output.replaceChildren(comparison(found.plans, base && current ? { plan: current, simulation: base } : undefined, scoped, agents, use));
    } catch (error) {
      if (error instanceof DOMException) return;
      output.replaceChildren(error instanceof ApiError && error.kind === 'missing-route' ? notAvailable('The optimiser', 'The plan engine is not on this server.') : errorState(error));
    } finally {
      run.disabled = false;
    }
  });
  return form;
}

/** Candidates side by side with the plan in force (or, without one, with what was actually paid). */
function comparison(
  candidates: Candidate[],
  current: { plan: InForce; simulation: SimulationResult } | undefined,
  plan: PlanDefinition,
  agents: AgentsView,
  use: (plan: EditablePlan) => void,
): HTMLElement {
  const reference = current
    ? { label: `In force: ${current.plan.name}`, cost: current.simulation.total_commission, brackets: bracketsText(current.plan.definition) }
    : { label: 'Actually paid', cost: candidates[0]!.simulation.actual_commission, brackets: '—' };
  const cover = coverage(plan, candidates[0]!.simulation, agents);
  const head = h('tr', {}, h('th', { scope: 'row' }, 'Over the period'), h('th', { scope: 'col' }, reference.label), ...candidates.map((c, i) => h('th', { scope: 'col' }, `Candidate ${i + 1}`)));
  const row = (label: string, first: string, cells: Array<string | Node>) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, first), ...cells.map((cell) => h('td', { class: 'num' }, cell)));
  const savings = (c: Candidate) => reference.cost - c.simulation.total_commission;
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Candidates compared with the current plan' },
    h(
      'table',
      { class: 'table compare', id: 'optimiser-candidates' },
      h('thead', {}, head),
      h(
        'tbody',
        {},
        row('Brackets', reference.brackets, candidates.map((c) => { const editable = editablePlan(c.plan); return editable ? bracketsText(editable) : 'see the API answer'; })),
        row('Cost (commission of the covered payees)', formatMoney(reference.cost), candidates.map((c) => formatMoney(c.simulation.total_commission))),
        row(`Savings against ${current ? 'the plan in force' : 'actual pay'}`, '—', candidates.map((c) => signedMoney(savings(c)))),
        row(`Commission % of covered GP (${cover.label})`, formatPct(cover.pct(reference.cost), 2), candidates.map((c) => formatPct(cover.pct(c.simulation.total_commission), 2))),
        row('Largest loss of one payee (% of their actual pay, exempt payees aside)', '—', candidates.map((c) => formatPct(c.worst_loss_pct, 2))),
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, h('span', { class: 'visually-hidden' }, 'Use')),
          h('td', {}),
          ...candidates.map((c, i) => {
            const editable = editablePlan(c.plan);
            return h('td', {}, h('button', { type: 'button', class: 'button secondary', disabled: !editable, onclick: () => editable && use(editable) }, `Use candidate ${i + 1}`));
          }),
        ),
      ),
    ),
  );
}
