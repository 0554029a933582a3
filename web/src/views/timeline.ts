import { apiGet } from '../api';
import { destroyCharts, makeChart, palette, type Chart } from '../charts/chart';
import { h } from '../dom';
import { formatCompactMoney, formatInt, formatMoney, formatMonth, formatRate, monthsBetween, shortMonth } from '../format';
import type { AgentSeries, AgentsView, SeriesPoint } from '../types';
import { emptyState, section } from '../ui';
import { query, type View } from '../view';

/** The agents compared, kept while the page lives (names: they are what the API keys series by). */
let chosen: string[] | undefined;
const MAX_AGENTS = 6;

/** Opens the timeline on one agent's history (the dashboard's problem agents link here). */
export function focusAgent(name: string): void {
  chosen = [name];
}

interface Metric {
  key: string;
  title: string;
  value: (point: SeriesPoint) => number | null;
  format: (value: number, point: SeriesPoint | undefined) => string;
  axis: (value: number) => string;
  /** Counts: straight segments, so no curve invents half deals between months. */
  straight?: boolean;
  note?: string;
}

/** A termination rate over fewer contracts is not drawn: one termination of one contract is no 100% trend. */
export const MIN_CONTRACTS_FOR_RATE = 3;

const METRICS: Metric[] = [
  { key: 'gp', title: 'Gross profit', value: (p) => p.gp, format: (v) => formatMoney(v, true), axis: formatCompactMoney },
  { key: 'deals', title: 'Deals closed', value: (p) => p.closed, format: (v) => formatInt(v), axis: (v) => String(v), straight: true },
  { key: 'commission', title: 'Commission', value: (p) => p.commission, format: (v) => formatMoney(v, true), axis: formatCompactMoney },
  {
    key: 'termination-rate',
    title: 'Termination rate',
    value: (p) => (p.termination_rate === null || p.closed + p.terminated < MIN_CONTRACTS_FOR_RATE ? null : p.termination_rate * 100),
    format: (v, p) => `${formatRate(v / 100)}${p ? ` (${p.terminated} of ${p.closed + p.terminated} contracts)` : ''}`,
    axis: (v) => `${v}%`,
    straight: true,
    note: `Months with fewer than ${MIN_CONTRACTS_FOR_RATE} contracts are left out: their rate says little (one termination of one contract would read 100%).`,
  },
];

export const timelineView: View = {
  id: 'timeline',
  label: 'Timeline',
  async render(ctx) {
    const data = await apiGet<AgentsView>(`/analytics/agents?${query(ctx.period)}`, ctx.signal);
    if (data.agents.length === 0) {
      ctx.mount(emptyState('No agents in this period', 'Pick a longer period, or import a month in the Data view.', { label: 'Import data', onClick: () => ctx.go('data') }));
      return;
    }
    const byName = new Map(data.agents.map((agent) => [agent.name, agent]));
    const byGp = [...data.agents].sort((a, b) => b.totals.gp - a.totals.gp);
    chosen = (chosen ?? []).filter((name) => byName.has(name));
    if (chosen.length === 0) chosen = byGp.slice(0, 3).map((agent) => agent.name);

    const months = monthsBetween(data.period.from, data.period.to);
    const chartsHost = h('div', { class: 'grid-2 timeline-charts' });
    const status = h('p', { class: 'muted picker-status', 'aria-live': 'polite' });
    const picker = h('fieldset', { class: 'agent-picker' }, h('legend', {}, `Agents to compare (up to ${MAX_AGENTS})`));
    const boxes: HTMLInputElement[] = [];
    for (const agent of [...data.agents].sort((a, b) => a.name.localeCompare(b.name))) {
      const box = h('input', { type: 'checkbox', value: agent.name, checked: chosen.includes(agent.name) });
      boxes.push(box);
      picker.append(h('label', { class: 'chip' }, box, ` ${agent.name}`));
    }
    const charts: Chart[] = [];
    const resetZoom = h('button', { type: 'button', class: 'button secondary', onclick: () => charts.forEach((chart) => chart.resetZoom()) }, 'Reset zoom');

    const draw = () => {
      destroyCharts(ctx.panel);
      charts.length = 0;
      chartsHost.replaceChildren();
      const agents = chosen!.map((name) => byName.get(name)).filter((a): a is AgentSeries => a !== undefined);
      status.textContent = `${agents.length} selected. Scroll or pinch a chart to zoom, drag to pan.`;
      for (const box of boxes) box.disabled = !box.checked && chosen!.length >= MAX_AGENTS;
      const colors = palette();
      for (const metric of METRICS) {
        const host = h('div');
        chartsHost.append(section(metric.title, host, metric.note ? h('p', { class: 'muted small' }, metric.note) : null));
        const points = agents.reduce((sum, agent) => sum + agent.points.length, 0);
        const box = makeChart(
          ctx.panel,
          host,
          `${metric.title} by month for ${agents.map((a) => a.name).join(', ')}, line chart`,
          {
            type: 'line',
            data: {
              labels: months.map(shortMonth),
              datasets: agents.map((agent, index) => {
                const byMonth = new Map(agent.points.map((point) => [point.month, point]));
                const color = colors.series[index % colors.series.length]!;
                return {
                  label: agent.name,
                  data: months.map((month) => {
                    const point = byMonth.get(month);
                    return point ? metric.value(point) : null;
                  }),
                  borderColor: color,
                  backgroundColor: color,
                  // Monotone: no overshoot below zero or above the data between points; counts and
                  // rates are straight segments.
                  ...(metric.straight ? { tension: 0 } : { cubicInterpolationMode: 'monotone' as const }),
                  pointRadius: 3,
                  pointHoverRadius: 6,
                  spanGaps: false,
                };
              }),
            },
            options: {
              interaction: { mode: 'index', intersect: false },
              plugins: {
                legend: { position: 'bottom' },
                tooltip: {
                  callbacks: {
                    title: (items) => formatMonth(months[items[0]?.dataIndex ?? 0] ?? ''),
                    label: (item) => {
                      const point = byName.get(item.dataset.label ?? '')?.points.find((p) => p.month === months[item.dataIndex]);
                      return `${item.dataset.label}: ${item.parsed.y === null ? '—' : metric.format(item.parsed.y, point)}`;
                    },
                  },
                },
                zoom: {
                  zoom: { wheel: { enabled: true }, pinch: { enabled: true }, mode: 'x' },
                  pan: { enabled: true, mode: 'x' },
                  limits: { x: { minRange: 2 } },
                },
              },
              scales: { y: { beginAtZero: true, ticks: { callback: (value) => metric.axis(Number(value)) } } },
            },
          },
          points,
          { height: 260, id: `chart-timeline-${metric.key}` },
        );
        charts.push(box.chart);
      }
    };

    picker.addEventListener('change', (event) => {
      const box = event.target as HTMLInputElement;
      if (box.checked && !chosen!.includes(box.value)) chosen!.push(box.value);
      if (!box.checked) chosen = chosen!.filter((name) => name !== box.value);
      draw();
    });

    ctx.mount(
      h(
        'div',
        { class: 'view' },
        h('details', { class: 'picker-box', open: window.matchMedia('(min-width: 700px)').matches }, h('summary', {}, 'Choose agents'), picker),
        h('div', { class: 'toolbar split' }, status, resetZoom),
        chartsHost,
      ),
    );
    draw();
  },
};
