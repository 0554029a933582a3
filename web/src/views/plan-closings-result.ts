/**
 * The Plans view's result for a tenant with closings: `POST /plans/simulate` with `source:
 * "closings"` runs the payouts engine month by month over the closings (so plans only closings can
 * pay, by flat fee, team overrides or forced tiers, are simulated), against the approved payouts.
 * Its figures: commission of every payee ÷ the closings' company GP; "actual" is what approved
 * payouts paid, so differences are over approved months only, and said so.
 */
import { makeChart, palette } from '../charts/chart';
import { saveCsv } from '../csv';
import { h } from '../dom';
import { formatCompactMoney, formatMoney, formatMonth, formatPct, plural } from '../format';
import { sortableTable, type Column } from '../table';
import type { ClosingsSimulation } from '../types';
import { card } from '../ui';
import { signedMoney } from './plan-coverage';

type PayeeMonth = ClosingsSimulation['by_payee_month'][number];
type Month = ClosingsSimulation['by_month'][number];

const cents = (amount: number) => Math.round(amount * 100);

/** Each payee's simulated pay over every month, largest first (whole cents summed). */
export function simulatedByPayee(rows: readonly PayeeMonth[]): Array<{ payee: string; simulated: number; actual: number | null }> {
  const totals = new Map<string, { simulated: number; actual: number | null }>();
  for (const row of rows) {
    const total = totals.get(row.payee) ?? { simulated: 0, actual: null };
    total.simulated += cents(row.simulated);
    if (row.actual !== null) total.actual = (total.actual ?? 0) + cents(row.actual);
    totals.set(row.payee, total);
  }
  return [...totals]
    .map(([payee, t]) => ({ payee, simulated: t.simulated / 100, actual: t.actual === null ? null : t.actual / 100 }))
    .sort((a, b) => b.simulated - a.simulated || (a.payee < b.payee ? -1 : 1));
}

export function showClosingsSimulation(host: HTMLElement, simulation: ClosingsSimulation, current: { name: string; simulation: ClosingsSimulation } | undefined): void {
  const range = `${formatMonth(simulation.from)} – ${formatMonth(simulation.to)}`;
  const approved = simulation.approved_months.length;
  const delta = simulation.simulated_commission_approved - simulation.actual_commission;
  const versusCurrent = current ? simulation.total_commission - current.simulation.total_commission : undefined;
  const tone = (value: number) => (value > 0 ? 'bad' : value < 0 ? 'good' : undefined);
  const money = (value: number | null) => (value === null ? 'not approved' : formatMoney(value, true));
  const signed = (value: number | null) => (value === null ? '—' : signedMoney(value, true));

  const payeeColumns: Array<Column<PayeeMonth>> = [
    { label: 'Month', sort: (r) => r.month, text: (r) => formatMonth(r.month) },
    { label: 'Payee', sort: (r) => r.payee },
    { label: 'Actual (approved payout)', sort: (r) => r.actual, text: (r) => money(r.actual), numeric: true },
    { label: 'Simulated', sort: (r) => r.simulated, text: (r) => formatMoney(r.simulated, true), numeric: true },
    { label: 'Difference', sort: (r) => r.delta, text: (r) => signed(r.delta), numeric: true },
  ];
  const monthColumns: Array<Column<Month>> = [
    { label: 'Month', sort: (m) => m.month, text: (m) => formatMonth(m.month) },
    { label: 'Company GP', sort: (m) => m.gp, text: (m) => formatMoney(m.gp), numeric: true },
    { label: 'Actual (approved payouts)', sort: (m) => m.actual, text: (m) => money(m.actual), numeric: true },
    { label: 'Simulated', sort: (m) => m.simulated, text: (m) => formatMoney(m.simulated, true), numeric: true },
    { label: 'Difference', sort: (m) => m.delta, text: (m) => signed(m.delta), numeric: true },
    { label: 'Simulated % of company GP', sort: (m) => m.commission_pct, text: (m) => formatPct(m.commission_pct, 2), numeric: true, narrow: true },
  ];
  const file = `simulation-closings-${simulation.from}-to-${simulation.to}`;
  const downloadPayees = () =>
    saveCsv(`${file}-by-payee-month.csv`, ['month', 'payee', 'actual', 'simulated', 'difference'], simulation.by_payee_month.map((r) => [r.month, r.payee, r.actual, r.simulated, r.delta]));
  const downloadMonths = () =>
    saveCsv(`${file}-by-month.csv`, ['month', 'company_gp', 'approved', 'actual', 'simulated', 'difference', 'simulated_pct_of_company_gp'], simulation.by_month.map((m) => [m.month, m.gp, m.approved ? 'yes' : 'no', m.actual, m.simulated, m.delta, m.commission_pct]));

  const chartHost = h('div');
  host.replaceChildren(
    h(
      'div',
      { class: 'kpis', 'data-source': 'closings' },
      card('Simulated commission', formatMoney(simulation.total_commission), `${range}, from the closings`),
      card('Actually paid', approved ? formatMoney(simulation.actual_commission) : '—', approved ? `approved payouts of ${plural(approved, 'month')}` : 'no month’s payouts approved yet'),
      approved
        ? card('Difference vs actually paid', signedMoney(delta), `over the ${plural(approved, 'approved month')}: ${delta > 0 ? 'the plan costs more' : delta < 0 ? 'the plan saves' : 'no change'}`, tone(delta))
        : null,
      current && versusCurrent !== undefined
        ? card(`Difference vs ${current.name}`, signedMoney(versusCurrent), 'simulated over the same closings', tone(versusCurrent))
        : null,
      h('div', { id: 'simulation-pct' }, card('Commission % of company GP', formatPct(simulation.commission_pct, 2), approved ? `actual ${formatPct(simulation.actual_commission_pct, 2)} (approved months)` : 'every payee’s commission ÷ the closings’ GP')),
    ),
    h('p', { class: 'muted definition' }, `Simulated on the closings (every deal, both sides, as payouts pay them). Every percentage here is all commission ÷ the company GP of the closings: ${formatMoney(simulation.total_gp)} over ${range}.`),
    chartHost,
    h('div', { class: 'split toolbar' }, h('h3', {}, 'By payee and month'), h('button', { type: 'button', class: 'button secondary', id: 'simulation-csv-payees', onclick: downloadPayees }, 'Download CSV')),
    sortableTable(payeeColumns, simulation.by_payee_month, { id: 'simulation-payees', caption: 'Actual, simulated and difference per payee and month', sortBy: 0 }),
    h('div', { class: 'split toolbar' }, h('h3', {}, 'By month'), h('button', { type: 'button', class: 'button secondary', id: 'simulation-csv-months', onclick: downloadMonths }, 'Download CSV')),
    sortableTable(monthColumns, simulation.by_month, { id: 'simulation-months', caption: 'Actual, simulated and difference per month', sortBy: 0 }),
    ...(simulation.warnings.length ? [h('ul', { class: 'warnings' }, ...simulation.warnings.map((w) => h('li', {}, w)))] : []),
  );
  const payees = simulatedByPayee(simulation.by_payee_month);
  payeeBars(
    host,
    chartHost,
    payees.map((p) => ({ name: p.payee, actual: p.actual, simulated: p.simulated })),
    'Simulated pay per payee over the closings, with approved pay where there is some, bar chart; the same figures are in the table below',
  );
}

/** The payees' actual and simulated pay as horizontal bars (the Plans view's chart, both sources). */
export function payeeBars(
  owner: HTMLElement,
  parent: HTMLElement,
  rows: Array<{ name: string; actual: number | null; simulated: number; note?: string }>,
  label: string,
): void {
  const colors = palette();
  makeChart(
    owner,
    parent,
    label,
    {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.name),
        datasets: [
          { label: 'Actual', data: rows.map((r) => r.actual), backgroundColor: colors.series[5]!, borderRadius: 2 },
          { label: 'Simulated', data: rows.map((r) => r.simulated), backgroundColor: colors.series[0]!, borderRadius: 2 },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: {
          legend: { position: 'bottom' },
          tooltip: { callbacks: { afterBody: (items) => rows[items[0]?.dataIndex ?? 0]?.note ?? '' } },
        },
        scales: { x: { ticks: { callback: (value) => formatCompactMoney(Number(value)) } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
      },
    },
    rows.length,
    { height: Math.max(280, rows.length * 26 + 60), id: 'chart-simulation' },
  );
}
