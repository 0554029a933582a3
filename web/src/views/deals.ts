import { ApiError, apiGet } from '../api';
import { destroyCharts, makeChart, palette } from '../charts/chart';
import { h } from '../dom';
import { formatMoney, formatRate } from '../format';
import type { CommissionMonth, Deal, TerminationsView, TierSignalsView } from '../types';
import { emptyState, errorMessage, section } from '../ui';
import { query, type View } from '../view';

const PAGE = 20;
type SortKey = 'terminated' | 'rate' | 'name';
let sortKey: SortKey = 'terminated';

export const dealsView: View = {
  id: 'deals',
  label: 'Deals',
  async render(ctx) {
    const terminations = await apiGet<TerminationsView>(`/analytics/terminations?${query(ctx.period)}`, ctx.signal);
    const { from, to } = terminations.period;
    let deals: Deal[] = [];
    let dealsProblem: string | undefined;
    try {
      const months = await apiGet<CommissionMonth[]>(`/commissions/export?from=${from}&to=${to}&format=json`, ctx.signal, { inlinePaywall: true });
      deals = months.flatMap((month) => month.deals ?? []);
    } catch (error) {
      if (error instanceof DOMException) throw error;
      if (!(error instanceof ApiError) || error.status !== 404) dealsProblem = errorMessage(error);
    }

    // Tier-gaming signals exist only for tenants with closings: a 404 (no closings) shows nothing.
    let tierSignals: TierSignalsView | null = null;
    try {
      tierSignals = await apiGet<TierSignalsView>(`/analytics/tier-signals?${query(ctx.period)}`, ctx.signal, { inlinePaywall: true });
    } catch (error) {
      if (error instanceof DOMException) throw error;
    }

    const chartHost = h('div');
    const sort = h(
      'select',
      { 'aria-label': 'Sort agents by' },
      h('option', { value: 'terminated', selected: sortKey === 'terminated' }, 'Most terminations'),
      h('option', { value: 'rate', selected: sortKey === 'rate' }, 'Highest termination rate'),
      h('option', { value: 'name', selected: sortKey === 'name' }, 'Name'),
    );
    const agents = terminations.agents.filter((agent) => agent.closed + agent.terminated > 0);

    const drawChart = () => {
      destroyCharts(ctx.panel);
      chartHost.replaceChildren();
      const sorted = [...agents].sort((a, b) =>
        sortKey === 'name'
          ? a.name.localeCompare(b.name)
          : sortKey === 'rate'
            ? (b.termination_rate ?? 0) - (a.termination_rate ?? 0) || a.name.localeCompare(b.name)
            : b.terminated - a.terminated || a.name.localeCompare(b.name),
      );
      const colors = palette();
      makeChart(
        ctx.panel,
        chartHost,
        'Terminations by agent, horizontal bar chart',
        {
          type: 'bar',
          data: {
            labels: sorted.map((a) => a.name),
            datasets: [
              {
                label: 'Terminated',
                data: sorted.map((a) => a.terminated),
                backgroundColor: sorted.map((a) => ((a.termination_rate ?? 0) > 0.15 ? colors.bad : colors.series[0]!)),
                borderRadius: 3,
              },
            ],
          },
          options: {
            indexAxis: 'y',
            plugins: {
              legend: { display: false },
              tooltip: {
                callbacks: {
                  label: (item) => {
                    const agent = sorted[item.dataIndex]!;
                    return `${agent.terminated} terminated of ${agent.closed + agent.terminated} contracts (${formatRate(agent.termination_rate)})`;
                  },
                },
              },
            },
            scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
          },
        },
        sorted.length,
        { height: Math.max(260, sorted.length * 20 + 40), id: 'chart-terminations' },
      );
    };
    sort.addEventListener('change', () => {
      sortKey = sort.value as SortKey;
      drawChart();
    });

    ctx.mount(
      h(
        'div',
        { class: 'view' },
        h(
          'div',
          { class: 'grid-2' },
          section('Terminations by agent', h('div', { class: 'toolbar' }, h('label', {}, 'Sort ', sort)), agents.length ? chartHost : emptyState('No contracts in this period', 'Pick a longer period.')),
          section('Deals', dealTable(deals, dealsProblem, () => ctx.go('data'))),
        ),
        ...(tierSignals ? [section('Tier-gaming signals', signalList(tierSignals))] : []),
      ),
    );
    if (agents.length) drawChart();
  },
};

function dealTable(deals: Deal[], problem: string | undefined, toImport: () => void): HTMLElement {
  if (problem) return h('p', { class: 'error', role: 'alert' }, `The deals could not be loaded: ${problem}`);
  if (deals.length === 0) {
    return emptyState('No deals in this period', 'Deals come with each month’s import (the optional "deals" list).', { label: 'Import data', onClick: toImport });
  }
  let sorted = [...deals].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.id.localeCompare(b.id));
  let page = 0;
  let filtered = sorted;
  let words: string[] = [];
  const matches = (deal: Deal) => {
    const text = `${deal.id} ${deal.agent} ${deal.market ?? ''} ${deal.status ?? ''} ${deal.type ?? ''} ${deal.date ?? ''}`.toLowerCase();
    return words.every((word) => text.includes(word));
  };
  const search = h('input', { type: 'search', placeholder: 'Search deal, agent, market, status', 'aria-label': 'Search deals' });
  const body = h('tbody');
  const info = h('span', { class: 'muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'button secondary' }, '‹ Previous');
  const next = h('button', { type: 'button', class: 'button secondary' }, 'Next ›');
  const show = () => {
    const pages = Math.max(1, Math.ceil(filtered.length / PAGE));
    page = Math.min(page, pages - 1);
    body.replaceChildren(
      ...filtered.slice(page * PAGE, page * PAGE + PAGE).map((deal) =>
        h(
          'tr',
          {},
          h('td', {}, deal.date ?? ''),
          h('td', {}, deal.id),
          h('td', {}, deal.agent),
          h('td', { class: 'hide-narrow' }, deal.market ?? ''),
          h('td', { class: 'num' }, formatMoney(deal.gp)),
          h('td', {}, h('span', { class: `status status-${deal.status ?? 'closed'}` }, deal.status ?? 'closed')),
        ),
      ),
    );
    if (filtered.length === 0) body.append(h('tr', {}, h('td', { colspan: '6', class: 'muted' }, 'No deal matches the search.')));
    info.textContent = `${filtered.length} deals · page ${page + 1} of ${pages}`;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  };
  search.addEventListener('input', () => {
    words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    filtered = sorted.filter(matches);
    page = 0;
    show();
  });
  prev.addEventListener('click', () => {
    page -= 1;
    show();
  });
  next.addEventListener('click', () => {
    page += 1;
    show();
  });
  // Headers are buttons, so Enter or Space sorts (a second press reverses).
  const columns: Array<[string, (deal: Deal) => string | number, string?]> = [
    ['Date', (d) => d.date ?? ''],
    ['Deal', (d) => d.id],
    ['Agent', (d) => d.agent],
    ['Market', (d) => d.market ?? '', 'hide-narrow'],
    ['GP', (d) => d.gp, 'num'],
    ['Status', (d) => d.status ?? 'closed'],
  ];
  let sortedBy = 0;
  let descending = true;
  const headers = columns.map(([label, key, cls], index) => {
    const button = h('button', { type: 'button', class: 'sort' }, label);
    const th = h('th', { scope: 'col', class: cls ?? null, 'aria-sort': index === 0 ? 'descending' : null }, button);
    button.addEventListener('click', () => {
      descending = sortedBy === index ? !descending : cls === 'num';
      sortedBy = index;
      const direction = descending ? -1 : 1;
      sorted = [...deals].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * direction || a.id.localeCompare(b.id);
      });
      filtered = sorted.filter(matches);
      headers.forEach((other, i) => (i === index ? other.setAttribute('aria-sort', descending ? 'descending' : 'ascending') : other.removeAttribute('aria-sort')));
      show();
    });
    return th;
  });
  const table = h('table', { class: 'table sortable', id: 'deal-table' }, h('thead', {}, h('tr', {}, ...headers)), body);
  show();
  return h('div', {}, search, h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Deals' }, table), h('div', { class: 'pager' }, prev, info, next));
}

function signalList(answer: TierSignalsView): HTMLElement {
  if (answer.signals.length === 0) return h('p', {}, 'No tier-gaming signals in this period.');
  const kinds = { bunching: 'GP just above a bracket', month_end: 'Month-end deals lifting a tier', true_up: 'GP raised after the close' };
  return h(
    'ul',
    { class: 'tier-signals', 'aria-label': 'Tier-gaming signals' },
    ...answer.signals.map((signal) =>
      h('li', {}, h('strong', {}, `${signal.payee}: ${kinds[signal.kind]}`), ` ${signal.explanation}`, signal.pay_difference === null ? '' : ` (pay difference ${formatMoney(signal.pay_difference)})`),
    ),
  );
}
