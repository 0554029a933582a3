import { apiGet } from '../api';
import { destroyCharts, makeChart, palette } from '../charts/chart';
import { h } from '../dom';
import { formatCompactMoney, formatMoney, formatMonth, formatPct, shortMonth } from '../format';
import type { PredictivePath, PredictiveView } from '../types';
import { card, emptyState, section } from '../ui';
import { query, type View } from '../view';

const METHODS: Record<string, string> = {
  naive: 'last month repeated (naive)',
  seasonal_naive: 'same month last year (seasonal naive)',
  holt_winters: 'Holt-Winters (additive season, additive or damped trend)',
  ets: 'exponential smoothing (ETS), chosen by AICc',
  ets_combination: 'mean of the three best ETS models',
};

let measure: 'commission' | 'gp' = 'commission';

/** The agents whose seasonally adjusted GP trends down, steepest first, with next month's GP forecast. */
function trendingDownList(data: PredictiveView): HTMLElement {
  const method = h('p', { class: 'muted' }, data.trend_method);
  if (data.trending_down.length === 0) return h('div', { id: 'trending-down' }, h('p', { class: 'trending-none' }, 'No agent’s GP is trending down.'), method);
  const headers = ['Agent', 'Trend a month', 'Share a month', 'p', 'Months', 'GP next month (80% interval)'].map((text) => h('th', { scope: 'col' }, text));
  const rows = data.trending_down.map((agent) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, agent.name),
      h('td', { class: 'num' }, formatMoney(agent.sens_slope)),
      h('td', { class: 'num' }, formatPct(agent.slope_pct)),
      h('td', { class: 'num' }, agent.p_value < 0.001 ? '< 0.001' : agent.p_value.toFixed(3)),
      h('td', { class: 'num' }, String(agent.months)),
      h(
        'td',
        { class: 'num' },
        agent.gp_forecast
          ? `${formatMoney(agent.gp_forecast.value)} (${formatCompactMoney(agent.gp_forecast.low)}–${formatCompactMoney(agent.gp_forecast.high)})`
          : '—',
      ),
    ),
  );
  return h(
    'div',
    { id: 'trending-down' },
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Agents trending down' }, h('table', { class: 'table' }, h('thead', {}, h('tr', {}, ...headers)), h('tbody', {}, ...rows))),
    method,
  );
}

export const predictiveView: View = {
  id: 'predictive',
  label: 'Predictive',
  async render(ctx) {
    const data = await apiGet<PredictiveView>(`/analytics/predictive?${query(ctx.period)}`, ctx.signal);
    if (data.history.length === 0) {
      ctx.mount(emptyState('No history to forecast from', 'Import at least four months of commission data.', { label: 'Import data', onClick: () => ctx.go('data') }));
      return;
    }
    const cards = h('div', { class: 'kpis' });
    const chartHost = h('div');
    const notes = h('p', { class: 'muted', id: 'predictive-note' });
    const picker = h(
      'select',
      { 'aria-label': 'Forecast of' },
      h('option', { value: 'commission', selected: measure === 'commission' }, 'Commission'),
      h('option', { value: 'gp', selected: measure === 'gp' }, 'Gross profit'),
    );

    const draw = () => {
      destroyCharts(ctx.panel);
      chartHost.replaceChildren();
      const path: PredictivePath | null = data.forecast[measure];
      const name = measure === 'commission' ? 'Commission' : 'Gross profit';
      const first = path?.points[0];
      const last = path?.points[path.points.length - 1];
      cards.replaceChildren(
        card(`${name}, ${first ? formatMonth(first.month) : 'next month'}`, formatMoney(first?.value), first ? `80% interval ${formatCompactMoney(first.low)}–${formatCompactMoney(first.high)}` : 'needs more history'),
        card(`${name}, ${last ? formatMonth(last.month) : '—'}`, formatMoney(last?.value), path ? `${path.points.length} months ahead` : ''),
        card('Backtest error (MAPE)', formatPct(path?.mape ?? null), path ? `one-step forecasts over the last ${path.backtest_months} months` : ''),
        card('Method', path ? (METHODS[path.method] ?? path.method) : '—', 'the candidate with the lowest backtest error'),
      );
      notes.textContent = [
        `This view does not follow the period picker: a forecast looks forward from the latest month with data (${formatMonth(data.history[data.history.length - 1]!.month)}) and learns from all ${data.history.length} months of history, since a shorter stretch would only make it less reliable.`,
        path?.note, data.history.some((m) => m.interpolated) ? 'Hatched months had no data and are interpolated.' : null].filter(Boolean).join(' ') || '';

      const history = data.history;
      const forecast = path?.points ?? [];
      const labels = [...history.map((m) => m.month), ...forecast.map((p) => p.month)];
      const pad = (n: number) => Array<null>(n).fill(null);
      const lastActual = history[history.length - 1]!;
      const actualValue = measure === 'commission' ? lastActual.commission : lastActual.gp;
      // The forecast line starts at the last actual month so it reads as a continuation.
      const line = [...pad(history.length - 1), actualValue, ...forecast.map((p) => p.value)];
      const low = [...pad(history.length - 1), actualValue, ...forecast.map((p) => p.low)];
      const high = [...pad(history.length - 1), actualValue, ...forecast.map((p) => p.high)];
      const colors = palette();
      makeChart(
        ctx.panel,
        chartHost,
        `${name} by month with a ${forecast.length}-month forecast and its 80% interval, bar and line chart`,
        {
          type: 'bar',
          data: {
            labels: labels.map(shortMonth),
            datasets: [
              {
                type: 'bar',
                label: `${name} (actual)`,
                data: [...history.map((m) => (measure === 'commission' ? m.commission : m.gp)), ...pad(forecast.length)],
                backgroundColor: history.map((m) => (m.interpolated ? colors.grid : colors.series[0]!)),
                borderRadius: 3,
                order: 3,
              },
              { type: 'line', label: '80% low', data: low, borderColor: 'transparent', pointRadius: 0, fill: false, order: 2 },
              { type: 'line', label: '80% interval', data: high, borderColor: 'transparent', backgroundColor: colors.band, pointRadius: 0, fill: '-1', order: 2 },
              {
                type: 'line',
                label: 'Forecast',
                data: line,
                borderColor: colors.series[4]!,
                backgroundColor: colors.series[4]!,
                borderDash: [6, 4],
                pointRadius: 4,
                // Straight: a curve between forecast points would overshoot them (even below zero).
                tension: 0,
                order: 1,
              },
            ],
          },
          options: {
            interaction: { mode: 'index', intersect: false },
            plugins: {
              legend: { position: 'bottom', labels: { filter: (item) => item.text !== '80% low' } },
              tooltip: {
                filter: (item) => item.parsed.y !== null && item.dataset.label !== '80% low',
                callbacks: {
                  title: (items) => formatMonth(labels[items[0]?.dataIndex ?? 0] ?? ''),
                  label: (item) => {
                    if (item.dataset.label === '80% interval') {
                      const index = item.dataIndex - history.length;
                      const point = forecast[index];
                      return point ? `80% interval: ${formatMoney(point.low)} – ${formatMoney(point.high)}` : '';
                    }
                    return `${item.dataset.label}: ${formatMoney(item.parsed.y, true)}`;
                  },
                },
              },
            },
            scales: { y: { beginAtZero: true, ticks: { callback: (value) => formatCompactMoney(Number(value)) } } },
          },
        },
        history.length + forecast.length,
        { height: 340, id: 'chart-predictive' },
      );
    };
    picker.addEventListener('change', () => {
      measure = picker.value as 'commission' | 'gp';
      draw();
    });
    ctx.mount(h('div', { class: 'view' }, h('div', { class: 'toolbar' }, h('label', {}, 'Forecast of ', picker)), cards, section('History and forecast', chartHost, notes), section('Who is trending down', trendingDownList(data))));
    draw();
  },
};
