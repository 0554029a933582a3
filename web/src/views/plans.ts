import { ApiError, apiGet, apiSend } from '../api';
import { destroyCharts, makeChart, palette } from '../charts/chart';
import { h } from '../dom';
import { formatCompactMoney, formatMoney, formatMonth, formatPct } from '../format';
import type { Bracket, OptimizeResult, PlanDefinition, Simulation, StoredPlan, TerminationsView } from '../types';
import { card, errorState, loadingState, notAvailable, section, toast } from '../ui';
import { query, type View, type ViewContext } from '../view';

const DEFAULT_PLAN: PlanDefinition = {
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

/** The plan being edited survives re-renders (period changes, live refreshes). */
let draft: PlanDefinition = structuredClone(DEFAULT_PLAN);

const NOT_YET = 'The plan engine’s endpoints are not on this server yet. The editor works; simulation, saving and the optimiser will appear once they are deployed.';

function plansOf(body: unknown): StoredPlan[] {
  const list = Array.isArray(body) ? body : ((body as { items?: unknown; plans?: unknown })?.items ?? (body as { plans?: unknown })?.plans);
  return Array.isArray(list) ? (list as StoredPlan[]) : [];
}

/** A stored plan's definition, whatever envelope the API puts around it (a version list, or the plan itself). */
function definitionOf(plan: StoredPlan): PlanDefinition | undefined {
  const candidates: unknown[] = [plan.definition, (plan as { current?: { definition?: unknown } }).current?.definition, plan];
  const versions = (plan as { versions?: Array<{ definition?: unknown }> }).versions;
  if (Array.isArray(versions) && versions.length) candidates.unshift(versions[versions.length - 1]?.definition);
  for (const candidate of candidates) {
    const tiers = (candidate as PlanDefinition | undefined)?.tiers;
    if (tiers && Array.isArray(tiers.brackets)) return candidate as PlanDefinition;
  }
  return undefined;
}

export const plansView: View = {
  id: 'plans',
  label: 'Plans',
  async render(ctx) {
    const [range, saved] = await Promise.all([
      apiGet<TerminationsView>(`/analytics/terminations?${query(ctx.period)}`, ctx.signal).then((v) => v.period),
      apiGet<unknown>('/plans', ctx.signal).then(
        (body) => ({ available: true, plans: plansOf(body) }),
        (error: unknown) => {
          if (error instanceof ApiError && error.kind === 'missing-route') return { available: false, plans: [] as StoredPlan[] };
          throw error;
        },
      ),
    ]);

    const editor = h('form', { class: 'plan-editor', novalidate: true });
    const result = h('div', { class: 'plan-result', 'aria-live': 'polite' });
    const optimiser = h('div');

    const savedPicker = saved.plans.length
      ? h(
          'label',
          { class: 'field' },
          'Start from a saved plan ',
          h(
            'select',
            {
              onchange: (event: Event) => {
                const index = Number((event.target as HTMLSelectElement).value);
                const definition = definitionOf(saved.plans[index]!);
                if (definition) {
                  draft = structuredClone(definition);
                  drawEditor();
                }
              },
            },
            h('option', { value: '' }, 'Choose…'),
            ...saved.plans.map((plan, index) => h('option', { value: String(index) }, plan.name ?? definitionOf(plan)?.name ?? `Plan ${index + 1}`)),
          ),
        )
      : null;

    const simulate = async () => {
      destroyCharts(result);
      result.replaceChildren(loadingState('Simulating…'));
      result.dataset.state = 'loading';
      try {
        const simulation = await apiSend<Simulation>('POST', '/plans/simulate', { plan: draft, from: range.from, to: range.to }, ctx.signal, { inlinePaywall: true });
        showSimulation(result, simulation, range);
        result.dataset.state = 'ready';
      } catch (error) {
        if (error instanceof DOMException) return;
        result.dataset.state = 'error';
        result.replaceChildren(
          error instanceof ApiError && error.kind === 'missing-route' ? notAvailable('Plan simulation', NOT_YET) : errorState(error, () => void simulate()),
        );
      }
    };

    const save = async () => {
      try {
        await apiSend('POST', '/plans', draft, undefined, { inlinePaywall: true });
        toast(`Saved “${draft.name}”.`);
        ctx.dataChanged();
      } catch (error) {
        toast(error instanceof ApiError && error.kind === 'missing-route' ? 'Saving plans is not available yet on this server.' : `Not saved: ${(error as Error).message}`);
      }
    };

    const drawEditor = () => {
      editor.replaceChildren(...editorFields(() => void save(), drawEditor));
    };
    editor.addEventListener('submit', (event) => {
      event.preventDefault();
      void simulate();
    });
    drawEditor();

    optimiser.append(optimiserForm(ctx, range, (plan) => {
      draft = structuredClone(plan);
      drawEditor();
      void simulate();
    }));

    ctx.mount(
      h(
        'div',
        { class: 'view' },
        saved.available ? null : notAvailable('Saved plans', NOT_YET),
        h(
          'div',
          { class: 'grid-2' },
          section('Plan', h('p', { class: 'muted' }, `Simulated over ${formatMonth(range.from)} – ${formatMonth(range.to)} (the period picker).`), savedPicker, editor),
          section('Optimiser', optimiser),
        ),
        section('Simulated against actual pay', result),
      ),
    );
    await simulate();
  },
};

/** The editor's fields; its form simulates on submit (the Simulate button, or Enter in a field). */
function editorFields(onSave: () => void, redraw: () => void): HTMLElement[] {
  const name = h('input', { type: 'text', value: draft.name, maxlength: '100', 'aria-label': 'Plan name' });
  name.addEventListener('input', () => {
    draft.name = name.value;
  });
  const types = h('fieldset', { class: 'inline' }, h('legend', {}, 'Applies to'));
  for (const [value, label] of [
    ['acq', 'Acquisitions'],
    ['dispo', 'Dispositions'],
    ['manager', 'Managers'],
  ] as const) {
    const box = h('input', { type: 'checkbox', value, checked: draft.applies_to.includes(value) });
    box.addEventListener('change', () => {
      draft.applies_to = box.checked ? [...new Set([...draft.applies_to, value])] : draft.applies_to.filter((t) => t !== value);
    });
    types.append(h('label', { class: 'chip' }, box, ` ${label}`));
  }
  const select = <T extends string>(label: string, value: T, options: Array<[T, string]>, set: (value: T) => void) => {
    const element = h('select', {}, ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
    element.addEventListener('change', () => set(element.value as T));
    return h('label', { class: 'field' }, `${label} `, element);
  };
  const rows = draft.tiers.brackets.map((bracket, index) => bracketRow(bracket, index, redraw));
  const table = h(
    'table',
    { class: 'table brackets' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Up to ($ or count)'), h('th', {}, 'Rate %'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Remove')))),
    h('tbody', {}, ...rows),
  );
  const add = h('button', { type: 'button', class: 'button secondary' }, '+ Bracket');
  add.addEventListener('click', () => {
    const brackets = draft.tiers.brackets;
    const last = brackets[brackets.length - 1];
    const previousCap = brackets.length > 1 ? (brackets[brackets.length - 2]?.up_to ?? 0) : 0;
    if (last) last.up_to = last.up_to ?? previousCap + 50000;
    brackets.push({ up_to: null, rate: Math.max(0, (last?.rate ?? 0.1) - 0.01) });
    redraw();
  });
  const run = h('button', { type: 'submit', class: 'button' }, 'Simulate');
  const saveButton = h('button', { type: 'button', class: 'button secondary', onclick: onSave }, 'Save plan');
  const form = [
    h('label', { class: 'field' }, 'Name ', name),
    types,
    h(
      'div',
      { class: 'fields' },
      select('Basis', draft.basis, [['deal', 'Per deal'], ['month', 'Month'], ['quarter', 'Quarter'], ['year', 'Year']], (v) => (draft.basis = v)),
      select('Measure', draft.tiers.measure, [['gp', 'GP'], ['deals', 'Deals']], (v) => (draft.tiers.measure = v)),
      select('Mode', draft.tiers.mode, [['graduated', 'Graduated'], ['retroactive', 'Retroactive']], (v) => (draft.tiers.mode = v)),
    ),
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'toolbar' }, add, run, saveButton),
  ];
  return form;
}

function bracketRow(bracket: Bracket, index: number, redraw: () => void): HTMLElement {
  const last = index === draft.tiers.brackets.length - 1;
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
  const remove = h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove bracket ${index + 1}`, disabled: draft.tiers.brackets.length === 1 }, '×');
  remove.addEventListener('click', () => {
    draft.tiers.brackets.splice(index, 1);
    const final = draft.tiers.brackets[draft.tiers.brackets.length - 1];
    if (final) final.up_to = null;
    redraw();
  });
  return h('tr', {}, h('td', {}, upTo), h('td', {}, rate), h('td', {}, remove));
}

function showSimulation(host: HTMLElement, simulation: Simulation, range: { from: string; to: string }): void {
  destroyCharts(host);
  const delta = simulation.total_commission - simulation.actual_commission;
  const agents = [...simulation.by_agent].sort((a, b) => a.delta - b.delta);
  const winners = simulation.winners ?? [...agents].filter((a) => a.delta > 0).reverse().slice(0, 5);
  const losers = simulation.losers ?? agents.filter((a) => a.delta < 0).slice(0, 5);
  const chartHost = h('div');
  const list = (title: string, items: typeof agents, tone: string) =>
    h(
      'div',
      {},
      h('h3', {}, title),
      items.length
        ? h('ol', { class: `movers ${tone}` }, ...items.map((a) => h('li', {}, h('span', {}, a.agent), h('span', { class: 'num' }, `${a.delta > 0 ? '+' : ''}${formatMoney(a.delta)}`))))
        : h('p', { class: 'muted' }, 'Nobody.'),
    );
  host.replaceChildren(
    h(
      'div',
      { class: 'kpis' },
      card('Simulated commission', formatMoney(simulation.total_commission), `${formatMonth(range.from)} – ${formatMonth(range.to)}`),
      card('Actually paid', formatMoney(simulation.actual_commission), 'to the same payees'),
      card('Difference', `${delta > 0 ? '+' : ''}${formatMoney(delta)}`, delta > 0 ? 'the plan costs more' : delta < 0 ? 'the plan saves' : 'no change', delta > 0 ? 'bad' : delta < 0 ? 'good' : undefined),
      card('Commission % of GP', formatPct(simulation.commission_pct, 2), simulation.actual_commission_pct == null ? '' : `actual ${formatPct(simulation.actual_commission_pct, 2)}`),
    ),
    chartHost,
    h('div', { class: 'grid-2' }, list('Winners (paid more)', winners, 'good'), list('Losers (paid less)', losers, 'bad')),
    ...(simulation.warnings?.length ? [h('ul', { class: 'warnings' }, ...simulation.warnings.map((w) => h('li', {}, w)))] : []),
  );
  const colors = palette();
  const byName = [...simulation.by_agent].sort((a, b) => b.actual - a.actual);
  makeChart(
    host,
    chartHost,
    'Simulated against actual commission per payee, bar chart',
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
          tooltip: { callbacks: { afterBody: (items) => { const a = byName[items[0]?.dataIndex ?? 0]; return a ? `Difference: ${a.delta > 0 ? '+' : ''}${formatMoney(a.delta, true)}` : ''; } } },
        },
        scales: { x: { ticks: { callback: (value) => formatCompactMoney(Number(value)) } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
      },
    },
    byName.length,
    { height: Math.max(280, byName.length * 26 + 60), id: 'chart-simulation' },
  );
}

function optimiserForm(ctx: ViewContext, range: { from: string; to: string }, use: (plan: PlanDefinition) => void): HTMLElement {
  const number = (label: string, value: string, attrs: Record<string, string> = {}) => {
    const input = h('input', { type: 'number', value, step: 'any', inputmode: 'decimal', ...attrs });
    return { input, field: h('label', { class: 'field' }, `${label} `, input) };
  };
  const target = number('Target commission % of GP', '13', { min: '0', max: '100' });
  const loss = number('No payee loses more than %', '10', { min: '0', max: '100' });
  const min = number('Lowest rate %', '5', { min: '0', max: '100' });
  const max = number('Highest rate %', '20', { min: '0', max: '100' });
  const exempt = h('input', { type: 'text', placeholder: 'e.g. Kyle Singer', 'aria-label': 'Payees exempt from the loss limit' });
  const output = h('div', { 'aria-live': 'polite' });
  const run = h('button', { type: 'submit', class: 'button' }, 'Run optimiser');
  const form = h(
    'form',
    { class: 'optimiser' },
    h('p', { class: 'muted' }, 'Searches bracket breakpoints and declining rates over the period’s history for the plan closest to a target cost, within your constraints.'),
    h('div', { class: 'fields' }, target.field, loss.field, min.field, max.field),
    h('label', { class: 'field' }, 'Exempt from the loss limit (names, comma-separated) ', exempt),
    h('div', { class: 'toolbar' }, run),
    output,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    run.disabled = true;
    output.replaceChildren(loadingState('Searching plans… this can take a few seconds.'));
    try {
      const found = await apiSend<OptimizeResult>(
        'POST',
        '/plans/optimize',
        {
          target_commission_pct: Number(target.input.value),
          max_loss_pct: Number(loss.input.value),
          rate_bounds: { min: Number(min.input.value) / 100, max: Number(max.input.value) / 100 },
          applies_to: draft.applies_to.length ? draft.applies_to : ['acq', 'dispo'],
          exempt: exempt.value.split(',').map((name) => name.trim()).filter(Boolean),
          from: range.from,
          to: range.to,
        },
        ctx.signal,
        { inlinePaywall: true },
      );
      if (!found.plans.length) {
        output.replaceChildren(h('p', { class: 'state state-empty', 'data-outcome': 'none' }, found.reason ?? 'No plan meets these constraints. Loosen the loss limit or widen the rates.'));
        return;
      }
      output.replaceChildren(
        h(
          'ol',
          { class: 'optimised' },
          ...found.plans.map((candidate) =>
            h(
              'li',
              {},
              h('strong', {}, candidate.plan.name),
              h(
                'div',
                { class: 'muted' },
                candidate.plan.tiers.brackets.map((b) => `${(b.rate * 100).toFixed(1)}% ${b.up_to === null ? 'above' : `to ${formatCompactMoney(b.up_to)}`}`).join(', '),
              ),
              h('div', {}, `${formatPct(candidate.simulation.commission_pct, 2)} of GP · worst loss ${formatPct(candidate.worst_loss_pct)}`),
              h('button', { type: 'button', class: 'button secondary', onclick: () => use(candidate.plan) }, 'Use this plan'),
            ),
          ),
        ),
      );
    } catch (error) {
      if (error instanceof DOMException) return;
      output.replaceChildren(error instanceof ApiError && error.kind === 'missing-route' ? notAvailable('The optimiser', NOT_YET) : errorState(error));
    } finally {
      run.disabled = false;
    }
  });
  return form;
}
