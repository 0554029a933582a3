import { apiGet } from '../api';
import { makeChart, palette } from '../charts/chart';
import { h } from '../dom';
import { formatCompactMoney, formatMoney, formatMonth, formatPct, formatRate, shortMonth } from '../format';
import type { AgentsView, MonthList, Summary, TeamsView } from '../types';
import { card, section } from '../ui';
import { query, type View } from '../view';
import { problemList, thresholdEditor } from './problem-agents';
import { focusAgent } from './timeline';

export const dashboardView: View = {
  id: 'dashboard',
  label: 'Dashboard',
  async render(ctx) {
    const q = query(ctx.period);
    const [summary, agents, teams, months] = await Promise.all([
      apiGet<Summary>(`/analytics/summary?${q}`, ctx.signal),
      apiGet<AgentsView>(`/analytics/agents?${q}`, ctx.signal),
      apiGet<TeamsView>(`/analytics/teams?${q}`, ctx.signal),
      apiGet<MonthList>('/commissions?limit=200', ctx.signal),
    ]);
    const colors = palette();
    const { from, to } = agents.period;

    const gain = summary.efficiency_gain;
    const agentsPct = summary.gp && summary.agent_commission !== undefined ? (summary.agent_commission / summary.gp) * 100 : null;
    const kpis = h(
      'div',
      { class: 'kpis' },
      card('Commission % of GP', formatPct(summary.commission_pct), `all commission (agents and managers) ÷ all GP; agents’ commission alone ${formatPct(agentsPct)}`),
      card('Efficiency gain', gain ?? '—', 'GP per commission dollar vs a year earlier', gain?.startsWith('+') ? 'good' : gain?.startsWith('-') ? 'bad' : undefined),
      card('Termination rate', formatRate(summary.termination_rate), 'terminated of closed plus terminated'),
      card(
        'Forecast next month',
        formatMoney(summary.forecast_next_month),
        summary.forecast ? `${formatMonth(summary.forecast.month)}, 80%: ${formatCompactMoney(summary.forecast.interval_80.low)}–${formatCompactMoney(summary.forecast.interval_80.high)}` : 'needs more history',
      ),
      card('Problem agents', String(summary.problem_agents.length), summary.problem_agents.length ? 'see the list below' : 'nobody flagged', summary.problem_agents.length ? 'bad' : 'good'),
    );

    const byAgentHost = h('div');
    const byTypeHost = h('div');
    const byManagerHost = h('div');
    const byMonthHost = h('div');
    const problems = problemList(summary, agents, (name) => {
      focusAgent(name);
      ctx.go('timeline', true);
    });

    ctx.mount(
      h(
        'div',
        { class: 'view' },
        h('p', { class: 'period-note muted' }, `${formatMonth(from)} – ${formatMonth(to)}`),
        kpis,
        h(
          'div',
          { class: 'grid-2' },
          section(
            'Commission by agent',
            h(
              'div',
              { class: 'legend' },
              h('span', {}, h('i', { style: `background:${colors.series[0]}` }), 'Acquisitions'),
              h('span', {}, h('i', { style: `background:${colors.series[1]}` }), 'Dispositions'),
            ),
            byAgentHost,
          ),
          h('div', { class: 'stack' }, section('Commission by type', byTypeHost), section('Commission % of GP by month', byMonthHost)),
        ),
        h('div', { class: 'grid-2' }, section('Commission by manager', byManagerHost), section('Problem agents', problems, thresholdEditor(ctx))),
      ),
    );

    const sortedAgents = [...agents.agents].sort((a, b) => b.totals.commission - a.totals.commission);
    makeChart(
      ctx.panel,
      byAgentHost,
      'Commission by agent, bar chart',
      {
        type: 'bar',
        data: {
          labels: sortedAgents.map((a) => a.name),
          datasets: [
            {
              label: 'Commission',
              data: sortedAgents.map((a) => a.totals.commission),
              backgroundColor: sortedAgents.map((a) => (a.type === 'acq' ? colors.series[0]! : colors.series[1]!)),
              borderRadius: 3,
            },
          ],
        },
        options: {
          indexAxis: 'y',
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: (item) => `${formatMoney(item.parsed.x, true)} (${sortedAgents[item.dataIndex]?.type ?? ''})` } },
          },
          scales: { x: { ticks: { callback: (value) => formatCompactMoney(Number(value)) } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
        },
      },
      sortedAgents.length,
      { height: Math.max(280, sortedAgents.length * 20 + 40), id: 'chart-by-agent' },
    );

    const byType = new Map<string, number>([
      ['Acquisitions', 0],
      ['Dispositions', 0],
    ]);
    for (const agent of agents.agents) {
      const key = agent.type === 'acq' ? 'Acquisitions' : 'Dispositions';
      byType.set(key, (byType.get(key) ?? 0) + agent.totals.commission);
    }
    byType.set('Managers', summary.manager_commission ?? 0);
    makeChart(
      ctx.panel,
      byTypeHost,
      'Commission by payee type, bar chart',
      {
        type: 'bar',
        data: {
          labels: [...byType.keys()],
          datasets: [{ label: 'Commission', data: [...byType.values()], backgroundColor: [colors.series[0]!, colors.series[1]!, colors.series[2]!], borderRadius: 4 }],
        },
        options: {
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => formatMoney(item.parsed.y, true) } } },
          scales: { y: { ticks: { callback: (value) => formatCompactMoney(Number(value)) } } },
        },
      },
      byType.size,
      { height: 220, id: 'chart-by-type' },
    );

    const monthly = months.items.filter((m) => m.month >= from && m.month <= to).sort((a, b) => (a.month < b.month ? -1 : 1));
    makeChart(
      ctx.panel,
      byMonthHost,
      'Commission as a percentage of GP by month, bar chart',
      {
        type: 'bar',
        data: {
          labels: monthly.map((m) => shortMonth(m.month)),
          datasets: [{ label: 'Commission % of GP', data: monthly.map((m) => m.commission_pct), backgroundColor: colors.series[3]!, borderRadius: 3 }],
        },
        options: {
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => formatPct(item.parsed.y) } } },
          scales: { y: { beginAtZero: true, ticks: { callback: (value) => `${value}%` } } },
        },
      },
      monthly.length,
      { height: 220, id: 'chart-by-month' },
    );

    const sortedTeams = [...teams.teams].sort((a, b) => b.totals.commission - a.totals.commission);
    makeChart(
      ctx.panel,
      byManagerHost,
      'Commission by manager team, bar chart',
      {
        type: 'bar',
        data: {
          labels: sortedTeams.map((t) => t.manager ?? 'No manager'),
          datasets: [{ label: 'Team commission', data: sortedTeams.map((t) => t.totals.commission), backgroundColor: colors.series[2]!, borderRadius: 3 }],
        },
        options: {
          indexAxis: 'y',
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: (item) => formatMoney(item.parsed.x, true),
                afterLabel: (item) => `${sortedTeams[item.dataIndex]?.agents.length ?? 0} agents, ${formatPct(sortedTeams[item.dataIndex]?.totals.commission_pct)} of GP`,
              },
            },
          },
          scales: { x: { ticks: { callback: (value) => formatCompactMoney(Number(value)) } } },
        },
      },
      sortedTeams.length,
      { height: Math.max(240, sortedTeams.length * 28 + 40), id: 'chart-by-manager' },
    );
  },
};
