/**
 * The dashboard's problem agents in words a manager acts on: rates in percent like the cards, each
 * name opening that agent's history, the likely cause when commission runs far above GP (a flat or
 * guaranteed amount rather than a rate), and the termination threshold, which admins change here
 * through PUT /settings.
 */
import { ApiError, apiGet, apiSend } from '../api';
import { mayBeAdmin } from '../auth';
import { h } from '../dom';
import { formatMoney, formatPct, formatRate, plural } from '../format';
import type { AgentSeries, AgentsView, Summary } from '../types';
import type { ViewContext } from '../view';

/** GET /analytics/summary's problem_agent_details entries (figures in the rule's unit). */
interface ProblemDetail {
  name: string;
  rule: string;
  figure?: number;
  threshold?: number;
  unit?: 'fraction' | 'percent' | 'amount';
  closed?: number;
  terminated?: number;
  explanation: string;
}

interface Settings {
  termination_threshold: number;
}

/**
 * Why an agent's commission runs far above their GP, read from their months: one amount every
 * month (flat pay), a floor paid again and again or pay at or above the GP (a guaranteed amount),
 * or the same share of GP every month (a rate of their own, such as a grandfathered split).
 */
export function commissionCause(agent: AgentSeries | undefined): string | null {
  if (!agent) return null;
  const paid = agent.points.filter((p) => p.commission > 0);
  if (paid.length < 2) return null;
  const amounts = paid.map((p) => Math.round(p.commission * 100));
  const least = Math.min(...amounts);
  if (amounts.every((a) => a === least)) return `a flat or guaranteed amount, not a rate on GP: ${formatMoney(least / 100)} every month, whatever the GP`;
  const atFloor = amounts.filter((a) => a === least).length;
  const overGp = paid.filter((p) => p.commission >= p.gp).length;
  if (atFloor >= 2 || overGp > 0) {
    const facts = [atFloor >= 2 ? `exactly ${formatMoney(least / 100)} in ${plural(atFloor, 'month')}` : null, overGp > 0 ? `at or above the month’s GP in ${plural(overGp, 'month')}` : null];
    return `a guaranteed amount, not a rate on GP: never under ${formatMoney(least / 100)} a month (${facts.filter(Boolean).join(', ')})`;
  }
  const shares = paid.filter((p) => p.gp > 0).map((p) => (p.commission / p.gp) * 100);
  if (shares.length >= 2 && Math.max(...shares) - Math.min(...shares) <= 1) {
    return `a steady ${formatPct(shares.reduce((a, b) => a + b, 0) / shares.length)} of GP every month: a rate of their own above the plan’s (a split or exception), not a flat amount`;
  }
  return null;
}

export function explain(problem: ProblemDetail, agent: AgentSeries | undefined): string {
  const { figure, threshold } = problem;
  if (figure === undefined || threshold === undefined) return problem.explanation;
  if (problem.rule === 'termination_rate') {
    const contracts = (problem.closed ?? 0) + (problem.terminated ?? 0);
    return `${problem.terminated ?? 0} of ${contracts} contracts terminated (${formatRate(figure)}), above the threshold of ${formatRate(threshold)}`;
  }
  if (problem.rule === 'commission_pct') {
    const cause = commissionCause(agent);
    return `commission is ${formatPct(figure)} of GP, above the ${formatPct(threshold)} where “far above the team” starts` + (cause ? `; the cause: ${cause}` : '');
  }
  if (problem.rule === 'gp_per_deal') {
    return `GP per closed deal ${formatMoney(figure)}, below ${formatMoney(threshold)} (bottom tenth and under half the median agent’s)`;
  }
  return problem.explanation;
}

export function problemList(summary: Summary, agents: AgentsView, open: (name: string) => void): HTMLElement {
  const details: ProblemDetail[] = summary.problem_agent_details ?? summary.problem_agents.map((name) => ({ name, rule: '', explanation: '' }));
  if (details.length === 0) return h('p', { class: 'muted' }, 'No agent breaks a rule in this period.');
  const byName = new Map(agents.agents.map((agent) => [agent.name, agent]));
  return h(
    'ul',
    { class: 'problems', id: 'problem-agents' },
    ...details.map((problem) => {
      const link = h('a', { href: '#timeline', class: 'agent-link', 'data-agent': problem.name }, problem.name);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        open(problem.name);
      });
      const text = explain(problem, byName.get(problem.name));
      return h('li', {}, link, text ? ` — ${text}` : '');
    }),
  );
}

/** The termination threshold, in percent; admins save it, everyone sees it. */
export function thresholdEditor(ctx: ViewContext): HTMLElement {
  const input = h('input', { type: 'number', min: '0', max: '100', step: '0.1', inputmode: 'decimal', id: 'threshold-input', disabled: true });
  const status = h('span', { class: 'muted', role: 'status', id: 'threshold-status' });
  const save = h('button', { type: 'submit', class: 'button secondary', disabled: true }, 'Save threshold');
  const form = h(
    'form',
    { class: 'threshold', id: 'threshold-form' },
    h('label', { class: 'field' }, 'Flag a termination rate above (%) ', input),
    save,
    status,
  );
  const admin = mayBeAdmin();
  apiGet<Settings>('/settings', ctx.signal).then(
    (settings) => {
      input.value = String(+(settings.termination_threshold * 100).toFixed(2));
      input.disabled = !admin;
      save.disabled = !admin;
      if (!admin) status.textContent = 'Only administrators change the threshold.';
    },
    () => {
      status.textContent = 'The threshold could not be loaded.';
    },
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const percent = Number(input.value);
    if (input.value === '' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
      status.textContent = 'Give a percentage between 0 and 100.';
      return;
    }
    save.disabled = true;
    status.textContent = 'Saving…';
    try {
      await apiSend<Settings>('PUT', '/settings', { termination_threshold: Math.round(percent * 100) / 10000 });
      ctx.dataChanged();
      ctx.rerender();
    } catch (error) {
      status.textContent = error instanceof ApiError && error.status === 403 ? 'Only administrators change the threshold.' : `Not saved: ${error instanceof Error ? error.message : 'unknown error'}`;
      save.disabled = false;
    }
  });
  return form;
}
