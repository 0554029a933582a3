import { ApiError, apiGet, apiSend } from '../api';
import { destroyCharts } from '../charts/chart';
import { saveCsv } from '../csv';
import { h } from '../dom';
import { formatCompactMoney, formatMoney, formatMonth, formatPct, plural } from '../format';
import type { AgentComparison, AgentsView, ClosingsSimulation, OptimizeResult, PlanDefinition, Simulation, StoredPlan, Summary } from '../types';
import { sortableTable, type Column } from '../table';
import { card, errorState, loadingState, notAvailable, pointerList, section } from '../ui';
import { query, type View, type ViewContext } from '../view';
import { closingMonths } from './data';
import { payeeBars, showClosingsSimulation } from './plan-closings-result';
import { coverage, signedMoney, type Coverage } from './plan-coverage';
import { bracketsSummary, clearProblems, planFields, rolesText, showProblems } from './plan-editor';

/** The simulation as `POST /plans/simulate` answers it (amounts in currency units). */
export type SimulationResult = Simulation;
export type SimulatedPayee = AgentComparison;
type Candidate = OptimizeResult['plans'][number];
type PlanRecord = StoredPlan;
/** A plan's version in force at the end of the period. */
interface InForce {
  id: string;
  name: string;
  version: number;
  effective_from: string;
  created_at: string;
  definition: PlanDefinition;
}

const SAMPLE_PLAN: PlanDefinition = {
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

/** What the editor holds: a definition, and the stored plan it was opened on (saved as its new version). */
interface Draft {
  plan: PlanDefinition;
  source?: { id: string; name: string; version: number; effective_from: string };
}

/** The plan being edited survives re-renders (period changes, live refreshes) once someone touched it. */
let draft: Draft | undefined;
/** A status line that outlives the re-render a save causes. */
let lastSaved: string | undefined;

/** Every plan's version in force at `month`, the newest first (latest start, then latest created). */
export function plansInForce(plans: PlanRecord[], month: string): InForce[] {
  const out: InForce[] = [];
  for (const plan of plans) {
    const version = plan.versions.filter((v) => v.effective_from <= month).sort((a, b) => (a.effective_from < b.effective_from ? -1 : a.effective_from > b.effective_from ? 1 : a.version - b.version)).at(-1);
    if (version) out.push({ id: plan.id, name: plan.name, version: version.version, effective_from: version.effective_from, created_at: plan.created_at, definition: version.definition });
  }
  return out.sort((a, b) => (a.effective_from !== b.effective_from ? (a.effective_from > b.effective_from ? -1 : 1) : a.created_at > b.created_at ? -1 : a.created_at < b.created_at ? 1 : 0));
}

/** The version in force at `month` of each plan; the newest of those (latest start, then latest plan). */
export function planInForce(plans: PlanRecord[], month: string): InForce | undefined {
  return plansInForce(plans, month)[0];
}

const opened = (plan: InForce): Draft => ({
  plan: structuredClone(plan.definition),
  source: { id: plan.id, name: plan.name, version: plan.version, effective_from: plan.effective_from },
});

function bracketsText(plan: PlanDefinition): string {
  return bracketsSummary(plan, formatCompactMoney);
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
    const [agents, summary, stored, closings] = await Promise.all([
      apiGet<AgentsView>(`/analytics/agents?${q}`, ctx.signal),
      apiGet<Summary>(`/analytics/summary?${q}`, ctx.signal),
      apiGet<{ items: PlanRecord[] }>('/plans', ctx.signal).then(
        (body) => ({ available: true, plans: body.items }),
        (error: unknown) => {
          if (error instanceof ApiError && error.kind === 'missing-route') return { available: false, plans: [] as PlanRecord[] };
          throw error;
        },
      ),
      closingMonths(ctx.signal),
    ]);
    const range = { from: agents.period.from, to: agents.period.to };
    // A tenant with closings in the period is simulated on them (the payouts engine, month by month):
    // plans only closings can pay (rates by flat fee, team overrides, forced tiers) are then simulated too.
    const onClosings = closings.items.some((m) => m.month >= range.from && m.month <= range.to);
    let inForceList = plansInForce(stored.plans, range.to);
    const defaultPlan = inForceList[0];
    draft ??= defaultPlan ? opened(defaultPlan) : { plan: structuredClone(SAMPLE_PLAN) };
    /** The stored plan the editor is on, as in force (the simulation's comparison). */
    const sourceOf = () => inForceList.find((p) => p.id === draft!.source?.id);

    const editor = h('form', { class: 'plan-editor', novalidate: true });
    const status = h('p', { class: 'plan-status', id: 'plan-status', role: 'status' }, lastSaved ?? '');
    const problems = h('div', { id: 'plan-problems' });
    const result = h('div', { class: 'plan-result', 'aria-live': 'polite' });
    const optimiserHost = h('div');
    let baseline: { id: string; simulation: SimulationResult | ClosingsSimulation } | undefined;

    const simulateDefinition = (plan: PlanDefinition) =>
      apiSend<SimulationResult>('POST', '/plans/simulate', { plan, from: range.from, to: range.to }, ctx.signal, { inlinePaywall: true });
    /**
     * On closings, the draft is simulated among the other plans in force (in place of the plan it
     * was opened on), so pay is compared with what approved payouts paid every payee; the
     * comparison is the tenant's own plans in force each month (no `plans` sent).
     */
    const simulateOnClosings = (plan: PlanDefinition | undefined) => {
      const others = inForceList.filter((p) => p.id !== draft!.source?.id).map((p) => p.definition);
      const body = { source: 'closings', from: range.from, to: range.to, ...(plan ? { plans: [...others, plan] } : {}) };
      return apiSend<ClosingsSimulation>('POST', '/plans/simulate', body, ctx.signal, { inlinePaywall: true });
    };

    const simulate = async () => {
      destroyCharts(result);
      result.replaceChildren(loadingState('Simulating…'));
      result.dataset.state = 'loading';
      const plan = draft!.plan;
      const current = sourceOf();
      try {
        if (onClosings) {
          const [simulation, base] = await Promise.all([
            simulateOnClosings(plan),
            baseline?.id === 'closings' || inForceList.length === 0 ? Promise.resolve(baseline) : simulateOnClosings(undefined).then((sim) => ({ id: 'closings', simulation: sim }), () => undefined),
          ]);
          baseline = base;
          destroyCharts(result);
          showClosingsSimulation(result, simulation, base && 'source' in base.simulation ? { name: inForceList.length === 1 ? `“${inForceList[0]!.name}”` : 'the plans in force', simulation: base.simulation } : undefined);
          result.dataset.state = 'ready';
          result.dataset.source = 'closings';
          return;
        }
        const [simulation, base] = await Promise.all([
          simulateDefinition(plan),
          // The comparison is an extra: a plan in force that cannot be simulated just has none.
          current && baseline?.id !== current.id
            ? simulateDefinition(current.definition).then((sim) => ({ id: current.id, simulation: sim }), () => undefined)
            : Promise.resolve(current ? baseline : undefined),
        ]);
        baseline = base;
        showSimulation(result, plan, simulation, agents, current && base && !('source' in base.simulation) ? { name: current.name, simulation: base.simulation } : undefined);
        result.dataset.state = 'ready';
        result.dataset.source = 'commissions';
      } catch (error) {
        if (error instanceof DOMException) return;
        if (error instanceof ApiError && error.status === 422 && !error.pointers.some((p) => !p.pointer.startsWith('/plan'))) {
          // A plan only closings can pay (rates by flat fee, team scopes, forced tiers…) is not simulated on payee-level history.
          result.dataset.state = 'unavailable';
          result.replaceChildren(
            h('div', { class: 'state state-empty', 'data-outcome': 'not-simulated' }, h('h3', {}, 'Not simulated'), h('p', {}, error.message), pointerList(error.pointers.map((p) => ({ ...p, pointer: p.pointer.replace(/^\/plan/, '') })))),
          );
          return;
        }
        result.dataset.state = 'error';
        result.replaceChildren(error instanceof ApiError && error.kind === 'missing-route' ? notAvailable('Plan simulation', 'The plan engine is not on this server.') : errorState(error, () => void simulate()));
      }
    };

    const effective = h('input', { type: 'month', id: 'plan-effective-from', 'aria-label': 'New version in force from (month)' });
    const save = async (as: 'version' | 'plan') => {
      status.textContent = 'Saving…';
      clearProblems(editor);
      problems.replaceChildren();
      const { plan, source } = draft!;
      try {
        const saved =
          as === 'version' && source
            ? await apiSend<PlanRecord>('PUT', `/plans/${source.id}`, { ...plan, effective_from: effective.value || range.to }, undefined, { inlinePaywall: true })
            : await apiSend<PlanRecord>('POST', '/plans', plan, undefined, { inlinePaywall: true });
        const version = saved.versions.at(-1)!;
        draft = { plan: structuredClone(version.definition), source: { id: saved.id, name: saved.name, version: version.version, effective_from: version.effective_from } };
        // Kept in place (not a toast): the change feed's own notice must not replace it.
        lastSaved =
          as === 'version'
            ? `Saved “${saved.name}” version ${version.version} at ${new Date().toLocaleTimeString()}: in force from ${formatMonth(version.effective_from)}.`
            : `Saved “${saved.name}” at ${new Date().toLocaleTimeString()}: it is now a plan in force.`;
        status.textContent = lastSaved;
        // The list as saved: the picker and the sentence above the editor follow without a reload.
        stored.plans = [...stored.plans.filter((p) => p.id !== saved.id), saved];
        inForceList = plansInForce(stored.plans, range.to);
        drawPicker();
        describeOrigin();
        drawEditor();
        ctx.dataChanged();
      } catch (error) {
        if (error instanceof ApiError && error.status === 422 && error.pointers.length) {
          const rest = showProblems(editor, error.pointers);
          problems.replaceChildren(...(rest.length ? [pointerList(rest)] : []));
          status.textContent = `Not saved: ${error.message} Each problem is shown beside its field.`;
          editor.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
          return;
        }
        status.textContent =
          error instanceof ApiError && error.status === 403 ? 'Not saved: only an administrator can save plans.' : `Not saved: ${error instanceof Error ? error.message : 'unknown error'}`;
      }
    };

    const drawEditor = () => {
      const source = draft!.source;
      const current = sourceOf();
      effective.value = current && current.effective_from > range.to ? current.effective_from : range.to;
      const run = h('button', { type: 'submit', class: 'button' }, 'Simulate');
      const buttons = source
        ? [
            h('label', { class: 'field' }, 'New version from ', effective),
            h('div', { class: 'toolbar' }, run, h('button', { type: 'button', class: 'button secondary', id: 'plan-save-version', onclick: () => void save('version') }, `Save as a new version of “${source.name}”`),
              h('button', { type: 'button', class: 'button secondary', id: 'plan-save-new', onclick: () => void save('plan') }, 'Save as a new plan')),
          ]
        : [h('div', { class: 'toolbar' }, run, h('button', { type: 'button', class: 'button secondary', id: 'plan-save-new', onclick: () => void save('plan') }, 'Save plan'))];
      editor.replaceChildren(...planFields(draft!.plan, { redraw: drawEditor, say: (text) => (status.textContent = text), month: range.to }), ...buttons);
    };
    editor.addEventListener('submit', (event) => {
      event.preventDefault();
      lastSaved = undefined;
      void simulate();
    });
    drawEditor();

    const origin = h('p', { class: 'muted', id: 'plan-origin' });
    const describeOrigin = () => {
      const current = sourceOf();
      const source = draft!.source;
      if (current && source && source.version !== current.version) {
        origin.textContent = `Opened on “${source.name}”, version ${source.version} from ${formatMonth(source.effective_from)}; version ${current.version} is the one in force at ${formatMonth(range.to)}.`;
      } else if (current) {
        origin.textContent = `Opened on the plan in force: “${current.name}”, version ${current.version}${current.effective_from > '1970-01' ? ` since ${formatMonth(current.effective_from)}` : ''}.`;
      } else if (draft!.source) {
        origin.textContent = `Opened on “${draft!.source.name}”, version ${draft!.source.version}, which is not in force at ${formatMonth(range.to)}.`;
      } else if (stored.plans.length > 0) {
        const starts = stored.plans.flatMap((p) => p.versions.map((v) => v.effective_from)).sort()[0];
        const start = starts ? formatMonth(starts) : '';
        origin.textContent =
          inForceList.length > 0
            ? 'A new plan: save it to add it to the plans in force.'
            : `${stored.plans.length === 1 ? `The saved plan “${stored.plans[0]!.name}” is not in force at ${formatMonth(range.to)}${start ? ` (it starts ${start})` : ''}` : `None of the ${plural(stored.plans.length, 'saved plan')} is in force at ${formatMonth(range.to)}${start ? ` (the first starts ${start})` : ''}`}, so the editor starts from a sample plan.`;
      } else {
        origin.textContent = 'No plan is saved yet, so the editor starts from a sample plan; differences are against what was actually paid. Save a plan to make it the plan in force.';
      }
    };
    describeOrigin();
    const openPlan = (next: Draft) => {
      draft = next;
      lastSaved = undefined;
      status.textContent = '';
      problems.replaceChildren();
      describeOrigin();
      drawEditor();
      void simulate();
    };
    const pickerHost = h('div');
    const drawPicker = () =>
      pickerHost.replaceChildren(
        ...(inForceList.length > 1
          ? [
              h(
                'label',
                { class: 'field' },
                `Plans in force at ${formatMonth(range.to)} `,
                select(
                  draft!.source?.id ?? '',
                  [...inForceList.map((p) => [p.id, `${p.name} (${rolesText(p.definition)})`] as [string, string]), ['', 'A new plan (from a sample)']],
                  { id: 'plan-picker' },
                  (id) => {
                    const chosen = inForceList.find((p) => p.id === id);
                    openPlan(chosen ? opened(chosen) : { plan: structuredClone(SAMPLE_PLAN) });
                  },
                ),
              ),
            ]
          : []),
      );
    drawPicker();
    const reload = defaultPlan
      ? h('button', { type: 'button', class: 'button secondary', onclick: () => { const current = sourceOf() ?? defaultPlan; openPlan(opened(current)); } }, 'Back to the plan in force')
      : null;

    const flatPaid = (summary.problem_agent_details ?? []).filter((p) => p.rule === 'commission_pct').map((p) => p.name);
    optimiserHost.append(
      // The optimiser searches payee-level history; a closings simulation is no baseline for it.
      optimiserForm(ctx, range, flatPaid, () => (baseline && !('source' in baseline.simulation) ? baseline.simulation : undefined), sourceOf, agents, (plan) => {
        draft = { plan: structuredClone(plan), ...(draft?.source ? { source: draft.source } : {}) };
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
          section('Plan', pickerHost, origin, h('p', { class: 'muted' }, `Simulated over ${formatMonth(range.from)} – ${formatMonth(range.to)} (the period picker).`), reload, editor, status, problems),
          section('Optimiser', optimiserHost),
        ),
        section('Simulated against actual pay', result),
      ),
    );
    await simulate();
  },
};

function select<T extends string>(value: T, options: Array<[T, string]>, attrs: Record<string, string>, set: (value: T) => void): HTMLSelectElement {
  const element = h('select', attrs, ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  element.addEventListener('change', () => set(element.value as T));
  return element;
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
  const byName = [...simulation.by_agent].sort((a, b) => b.actual - a.actual);
  payeeBars(
    host,
    chartHost,
    byName.map((a) => ({ name: a.agent, actual: a.actual, simulated: a.simulated, note: `Difference: ${signedMoney(a.delta, true)}` })),
    'Simulated against actual commission per payee, bar chart; the same figures are in the table below',
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
  currentPlan: () => InForce | undefined,
  agents: AgentsView,
  use: (plan: PlanDefinition) => void,
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
      const plan = draft?.plan ?? SAMPLE_PLAN;
      const current = currentPlan();
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
  use: (plan: PlanDefinition) => void,
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
        row('Brackets', reference.brackets, candidates.map((c) => bracketsText(c.plan))),
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
            return h('td', {}, h('button', { type: 'button', class: 'button secondary', onclick: () => use(c.plan) }, `Use candidate ${i + 1}`));
          }),
        ),
      ),
    ),
  );
}
