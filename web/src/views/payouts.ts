/**
 * "Payouts": the month's pay as the server calculated it from the closings under the plans in
 * force (CONTRACT.md, "Payouts"). A month is picked from those with payouts or closings; admins
 * calculate it (a draft, replaced by every recalculation), add or remove its adjustments, approve
 * it (locked: every write answers 409) and reopen it with a reason. The badge says the month's
 * state: no payout, draft, stale (its inputs changed since the calculation) or approved by whom
 * and when. Statements sort by person, role and total and open to their lines; each links to its
 * printable page, and the month exports as CSV or QuickBooks / Xero journals. Links cannot carry
 * the bearer token, so both are fetched with it (the printable page opens from a blob URL).
 */
import { ApiError, apiGet, apiResponse, apiSend, download } from '../api';
import { mayBeAdmin } from '../auth';
import { saveFile } from '../csv';
import { append, h } from '../dom';
import { formatMoney, formatMonth, formatPct, plural } from '../format';
import { sortableTable, type Column } from '../table';
import type { Adjustment, Inquiry, InquiryList, Payout, PayoutList } from '../types';
import { card, emptyState, errorMessage, pointerList, section } from '../ui';
import type { View, ViewContext } from '../view';
import { closingMonths } from './data';
import { byOpenFirst, inquiryThread } from './inquiry-thread';
import { groupDecimal, problemBox, when } from './payout-words';

type Statement = Payout['statements'][number];
type Line = Statement['lines'][number];
type Reason = Adjustment['reason'];

const REASONS: Array<[Reason, string]> = [
  ['sprint', 'Sprint (contest prize)'],
  ['mentor', 'Mentor bonus'],
  ['true_up', 'True-up'],
  ['correction', 'Correction'],
  ['bonus', 'Bonus'],
  ['other', 'Other'],
];
const REASON_LABEL = new Map<string, string>(REASONS);

export const EXPORTS: Array<{ format: 'csv' | 'quickbooks' | 'xero'; label: string }> = [
  { format: 'csv', label: 'CSV (one row per payee and line)' },
  { format: 'quickbooks', label: 'QuickBooks Online journal' },
  { format: 'xero', label: 'Xero manual journal' },
];

/** The month shown, kept across re-renders (live refreshes, coming back to the tab). */
let chosen: string | undefined;

export const exportPath = (month: string, format: string) => `/payouts/${month}/export?format=${format}`;
export const statementPath = (month: string, payee: string) => `/payouts/${month}/statements/${encodeURIComponent(payee)}?format=html`;

/** Payouts over company GP in percent, from cents (display only). */
function pctOfGp(payout: Payout): number | null {
  const gp = Math.round(payout.company_gp * 100);
  return gp === 0 ? null : (Math.round(payout.total * 100) / gp) * 100;
}

function stateBadge(payout: Payout | undefined): HTMLElement {
  const [state, text, tone] = !payout
    ? (['none', 'No payout calculated yet', ''] as const)
    : payout.status === 'approved'
      ? (['approved', `Approved by ${payout.approved_by_email ?? payout.approved_by ?? 'an administrator'} on ${payout.approved_at ? when(payout.approved_at) : '—'}`, 'badge-good'] as const)
      : payout.stale
        ? (['stale', 'Draft, out of date: closings, adjustments, goals or plans changed since it was calculated', 'badge-warn'] as const)
        : (['draft', `Draft, calculated ${when(payout.calculated_at)}`, 'badge-draft'] as const);
  return h('span', { class: `badge badge-state ${tone}`.trim(), id: 'payout-state', 'data-state': state, role: 'status' }, text);
}

/**
 * A statement's every line with its base, bracket, rate, exact amount and reason; `action` adds a
 * last column (a payee's "Ask about this line").
 */
export function linesTable(statement: Statement, action?: { label: string; cell: (line: Line, index: number) => HTMLElement }): HTMLElement {
  const amount = (line: Line) => groupDecimal(line.amount);
  const labels = ['Plan', 'Component', 'Label', 'Base', 'Bracket', 'Rate', 'Amount', 'Reason', ...(action ? [action.label] : [])];
  return h(
    'div',
    { class: 'table-wrap lines-wrap' },
    h(
      'table',
      { class: 'table lines', 'data-lines': statement.lines.length },
      h('caption', { class: 'visually-hidden' }, `Lines of ${statement.payee}'s statement`),
      h('thead', {}, h('tr', {}, ...labels.map((label) => h('th', { scope: 'col', class: label === 'Amount' || label === 'Rate' ? 'num' : null }, label)))),
      h(
        'tbody',
        {},
        ...statement.lines.map((line, index) =>
          h(
            'tr',
            { class: 'line', 'data-index': index },
            h('td', {}, line.plan ?? 'Adjustment'),
            h('td', {}, line.component),
            h('td', {}, line.label),
            h('td', { class: 'base' }, line.base),
            h('td', {}, line.bracket ?? '—'),
            h('td', { class: 'num' }, line.rate ?? '—'),
            h('td', { class: 'num' }, amount(line)),
            h('td', {}, line.reason ? (REASON_LABEL.get(line.reason) ?? line.reason) : '—'),
            action ? h('td', {}, action.cell(line, index)) : null,
          ),
        ),
      ),
    ),
    statement.warnings.length ? h('ul', { class: 'warnings' }, ...statement.warnings.map((warning) => h('li', {}, warning))) : null,
  );
}

/**
 * Opens the printable statement. A link cannot send the bearer token: the page is fetched with it
 * and shown from a blob URL, in a window opened at the click (so no popup blocker stops it). The
 * blob document inherits this app's CSP, which refuses inline <style> elements: their rules are
 * handed to it as constructed style sheets, which CSP does not govern. Without a window, the page
 * is saved as a file instead.
 */
export async function openPrintable(path: string, name: string, status: HTMLElement): Promise<void> {
  const target = window.open('', '_blank');
  status.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Opening the statement…'));
  try {
    const response = await apiResponse(path, { headers: { accept: 'text/html' } }, { inlinePaywall: true });
    const blob = new Blob([await response.text()], { type: 'text/html;charset=utf-8' });
    if (!target) {
      saveFile(blob, name);
      status.replaceChildren(h('p', { class: 'muted', role: 'status' }, `Saved ${name}: open it to print.`));
      return;
    }
    const url = URL.createObjectURL(blob);
    target.location.href = url;
    const adopt = () => {
      const doc = target.document;
      if (target.closed || doc.URL !== url || doc.readyState !== 'complete') return false;
      const View = target as unknown as { CSSStyleSheet: typeof CSSStyleSheet };
      const sheets = [...doc.querySelectorAll('style')].map((style) => {
        const sheet = new View.CSSStyleSheet();
        sheet.replaceSync(style.textContent ?? '');
        return sheet;
      });
      if (sheets.length) doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, ...sheets];
      return true;
    };
    const started = Date.now();
    const timer = window.setInterval(() => {
      let done = true;
      try {
        done = adopt() || Date.now() - started > 15_000;
      } catch {
        done = true; // The window went elsewhere: nothing of ours to style.
      }
      if (done) window.clearInterval(timer);
    }, 50);
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    status.replaceChildren();
  } catch (error) {
    target?.close();
    status.replaceChildren(problemBox('The statement could not be opened', error));
  }
}

/** The export menu: a disclosure of three links, each downloaded through the API with the token. */
function exportMenu(month: string, status: HTMLElement): HTMLElement {
  const menu = h('details', { class: 'menu', id: 'payout-export' }, h('summary', { class: 'button secondary' }, 'Export'));
  const items = h(
    'ul',
    { class: 'menu-items', 'aria-label': `Export ${formatMonth(month)}` },
    ...EXPORTS.map(({ format, label }) => {
      const link = h('a', { href: `/api/v1${exportPath(month, format)}`, 'data-format': format, download: `payouts-${month}-${format}.csv` }, label);
      link.addEventListener('click', async (event) => {
        event.preventDefault();
        menu.open = false;
        status.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Preparing the file…'));
        try {
          await download(exportPath(month, format), `payouts-${month}-${format}.csv`);
          status.replaceChildren(h('p', { class: 'muted', role: 'status' }, `Downloaded ${formatMonth(month)}: ${label}.`));
        } catch (error) {
          status.replaceChildren(problemBox('The export did not work', error));
        }
      });
      return h('li', {}, link);
    }),
  );
  menu.append(items);
  menu.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && menu.open) {
      menu.open = false;
      menu.querySelector('summary')?.focus();
    }
  });
  return menu;
}

function statementsTable(payout: Payout, status: HTMLElement): HTMLElement {
  if (payout.statements.length === 0) return h('p', { class: 'muted' }, 'No statements: no plan pays anyone this month.');
  const columns: Array<Column<Statement>> = [
    { label: 'Person', sort: (s) => s.payee },
    { label: 'Role', sort: (s) => s.roles.join(', ') || '—' },
    { label: 'Lines', sort: (s) => s.lines.length, numeric: true, narrow: true },
    { label: 'Total', sort: (s) => s.total, text: (s) => formatMoney(s.total, true), numeric: true },
    {
      label: 'Statement',
      sort: () => null,
      text: (s) => {
        const path = statementPath(payout.month, s.payee);
        const link = h('a', { href: `/api/v1${path}`, class: 'statement-link', target: '_blank', rel: 'noopener', 'aria-label': `Print the statement of ${s.payee}` }, 'Print');
        link.addEventListener('click', (event) => {
          event.preventDefault();
          void openPrintable(path, `statement-${payout.month}-${s.payee.replace(/[^A-Za-z0-9]+/g, '-')}.html`, status);
        });
        return link;
      },
    },
  ];
  return sortableTable(columns, payout.statements, {
    id: 'payout-statements',
    caption: `Statements of ${formatMonth(payout.month)}`,
    sortBy: 0,
    details: { label: (s) => `${s.payee}: show the statement's ${plural(s.lines.length, 'line')}`, render: (s) => linesTable(s) },
  });
}

function totals(payout: Payout): HTMLElement {
  const roles = Object.entries(payout.by_role).sort(([a], [b]) => a.localeCompare(b));
  return h(
    'div',
    { class: 'stack' },
    h(
      'div',
      { class: 'kpis', id: 'payout-totals' },
      card('Company GP', formatMoney(payout.company_gp, true), plural(payout.company_transactions, 'transaction')),
      h('div', { class: 'kpi', id: 'payout-total' }, h('div', { class: 'kpi-label' }, 'Total payouts'), h('div', { class: 'kpi-value' }, formatMoney(payout.total, true)), h('div', { class: 'kpi-note' }, plural(payout.statements.length, 'statement'))),
      card('% of GP', formatPct(pctOfGp(payout))),
    ),
    roles.length ? h('h3', {}, 'By role') : null,
    roles.length ? h('div', { class: 'kpis', id: 'payout-by-role' }, ...roles.map(([role, amount]) => card(role, formatMoney(amount, true)))) : null,
    payout.uncovered.length
      ? h(
          'div',
          { id: 'payout-uncovered', role: 'note' },
          h('h3', {}, `${plural(payout.uncovered.length, 'person', 'people')} with closings that no plan covers (not paid)`),
          h('ul', { class: 'warnings' }, ...payout.uncovered.map((name) => h('li', {}, name))),
        )
      : null,
  );
}

function historyList(payout: Payout): HTMLElement | null {
  if (payout.history.length === 0) return null;
  const words = { calculated: 'Calculated', approved: 'Approved', reopened: 'Reopened' } as const;
  return h(
    'details',
    { class: 'history', id: 'payout-history' },
    h('summary', {}, `History (${payout.history.length})`),
    h(
      'ul',
      {},
      ...[...payout.history].reverse().map((event) =>
        h(
          'li',
          {},
          `${words[event.action]} ${when(event.at)} by ${event.by_email ?? event.by ?? 'an administrator'}`,
          event.total === null ? '' : `: ${formatMoney(event.total, true)}`,
          event.reason ? ` — “${event.reason}”` : '',
        ),
      ),
    ),
  );
}

interface MonthState {
  month: string;
  payout: Payout | undefined;
  adjustments: Adjustment[];
  /** The payees' questions about the month's statements (issue 16), with their threads. */
  inquiries: Inquiry[];
  /** Open questions of every month, by month: where an answer is awaited. */
  openByMonth: Map<string, number>;
}

const orNone = <T>(fallback: T) => (error: unknown): T => {
  if (error instanceof ApiError && error.status === 404) return fallback;
  throw error;
};

async function loadMonth(month: string, signal?: AbortSignal): Promise<MonthState> {
  const [payout, adjustments, inquiries, open] = await Promise.all([
    apiGet<Payout>(`/payouts/${month}`, signal, { inlinePaywall: true }).catch(orNone(undefined)),
    apiGet<{ items: Adjustment[] }>(`/payouts/${month}/adjustments`, signal, { inlinePaywall: true }).then((list) => list.items, orNone([])),
    apiGet<InquiryList>(`/payouts/${month}/inquiries`, signal, { inlinePaywall: true }).then((list) => list.items, orNone([])),
    apiGet<InquiryList>('/inquiries?status=open', signal, { inlinePaywall: true }).then((list) => list.items, orNone([])),
  ]);
  const openByMonth = new Map<string, number>();
  for (const inquiry of open) openByMonth.set(inquiry.month, (openByMonth.get(inquiry.month) ?? 0) + 1);
  return { month, payout, adjustments, inquiries, openByMonth };
}

/**
 * The month's inquiries, open ones first: admins reply and resolve in each thread, members read.
 * The heading counts the open ones, so an admin sees at a glance what waits for an answer.
 */
function inquiriesBlock(state: MonthState, admin: boolean): HTMLElement {
  const items = [...state.inquiries];
  const heading = h('h2', { id: 'payout-inquiries-title' });
  const list = h('div', { class: 'stack', id: 'payout-inquiries' });
  const count = () => {
    const open = items.filter((inquiry) => inquiry.status === 'open').length;
    heading.textContent = open > 0 ? `Inquiries: ${plural(open, 'open question')}` : 'Inquiries';
    heading.dataset.open = String(open);
  };
  const onChange = (fresh: Inquiry) => {
    const at = items.findIndex((inquiry) => inquiry.id === fresh.id);
    if (at >= 0) items[at] = fresh;
    count();
  };
  count();
  list.append(
    ...(items.length === 0
      ? [h('p', { class: 'muted', id: 'payout-inquiries-none' }, 'No questions from payees about this month.')]
      : items.sort(byOpenFirst).map((inquiry) => inquiryThread(inquiry, { side: admin ? 'admin' : 'reader', onChange }))),
  );
  return h('section', { class: 'block', 'aria-labelledby': 'payout-inquiries-title' }, heading, list);
}

export const payoutsView: View = {
  id: 'payouts',
  label: 'Payouts',
  async render(ctx) {
    const [list, closings] = await Promise.all([apiGet<PayoutList>('/payouts', ctx.signal, { inlinePaywall: true }), closingMonths(ctx.signal)]);
    const months = [...new Set([...list.items.map((item) => item.month), ...closings.items.map((item) => item.month)])].sort().reverse();
    if (months.length === 0) {
      ctx.mount(
        h(
          'div',
          { class: 'view' },
          emptyState('No closings yet', 'Payouts are calculated from a month’s closings under your plans: import the month’s closings spreadsheet first.', { label: 'Import closings', onClick: () => ctx.go('data') }),
        ),
      );
      return;
    }
    if (!chosen || !months.includes(chosen)) chosen = months[0]!;
    const state = await loadMonth(chosen, ctx.signal);
    const host = h('div', { class: 'view', id: 'payouts' });
    ctx.mount(host);
    monthView(ctx, host, months, state);
  },
};

/** Draws the month into `host`; every action draws it again from the server's answer. */
function monthView(ctx: ViewContext, host: HTMLElement, months: string[], state: MonthState): void {
  const { month, payout, adjustments } = state;
  const admin = mayBeAdmin();
  const approved = payout?.status === 'approved';
  const message = h('div', { id: 'payout-message', 'aria-live': 'polite' });

  const redraw = async (note?: string) => {
    try {
      const fresh = await loadMonth(month);
      if (!months.includes(month)) months.unshift(month);
      monthView(ctx, host, months, fresh);
      if (note) document.getElementById('payout-message')?.replaceChildren(h('p', { class: 'muted', role: 'status', 'data-outcome': 'success' }, note));
    } catch (error) {
      message.replaceChildren(problemBox('The month could not be read again', error));
    }
  };

  /** Runs a write: the button is busy meanwhile; a failure is shown in words, a success redraws the month. */
  const act = (button: HTMLButtonElement, title: string, run: () => Promise<unknown>, done: string) => async () => {
    button.disabled = true;
    message.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Working…'));
    try {
      await run();
      ctx.dataChanged();
      await redraw(done);
    } catch (error) {
      button.disabled = false;
      message.replaceChildren(problemBox(title, error));
    }
  };

  const select = h('select', { id: 'payout-month' }, ...months.map((m) => h('option', { value: m, selected: m === month }, formatMonth(m))));
  select.addEventListener('change', async () => {
    chosen = select.value;
    select.disabled = true;
    try {
      monthView(ctx, host, months, await loadMonth(select.value));
      document.getElementById('payout-month')?.focus();
    } catch (error) {
      select.disabled = false;
      message.replaceChildren(problemBox('That month could not be read', error));
    }
  });

  const calculate = h('button', { type: 'button', class: 'button', id: 'payout-calculate', disabled: !admin || approved }, payout ? 'Recalculate' : 'Calculate');
  calculate.addEventListener('click', act(calculate, 'Not calculated', () => apiSend('POST', `/payouts/${month}/calculate`, undefined, undefined, { inlinePaywall: true }), `${formatMonth(month)} calculated.`));

  const approve = h('button', { type: 'button', class: 'button', id: 'payout-approve', disabled: !admin || !payout || approved }, 'Approve and lock');
  approve.addEventListener('click', act(approve, 'Not approved', () => apiSend('POST', `/payouts/${month}/approve`, undefined, undefined, { inlinePaywall: true }), `${formatMonth(month)} approved and locked.`));

  const reopenHost = h('div', { id: 'payout-reopen-host' });
  const reopen = h('button', { type: 'button', class: 'button secondary', id: 'payout-reopen', disabled: !admin || !approved }, 'Reopen…');
  reopen.addEventListener('click', () => {
    const reason = h('input', { type: 'text', id: 'payout-reopen-reason', required: true, maxlength: 500, autocomplete: 'off' });
    const confirm = h('button', { type: 'submit', class: 'button danger', id: 'payout-reopen-confirm' }, 'Reopen the month');
    const cancel = h('button', { type: 'button', class: 'button secondary' }, 'Cancel');
    const form = h(
      'form',
      { class: 'reopen-form', 'aria-label': 'Reopen the month' },
      h('label', { class: 'field', for: 'payout-reopen-reason' }, 'Why is the approved month opened again? (kept in its history)'),
      reason,
      h('div', { class: 'toolbar' }, confirm, cancel),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!reason.value.trim()) {
        reason.setCustomValidity('Say why the month is reopened.');
        reason.reportValidity();
        return;
      }
      void act(confirm, 'Not reopened', () => apiSend('POST', `/payouts/${month}/reopen`, { reason: reason.value.trim() }, undefined, { inlinePaywall: true }), `${formatMonth(month)} reopened.`)();
    });
    reason.addEventListener('input', () => reason.setCustomValidity(''));
    cancel.addEventListener('click', () => {
      reopenHost.replaceChildren();
      reopen.focus();
    });
    reopenHost.replaceChildren(form);
    reason.focus();
  });

  const toolbar = h(
    'div',
    { class: 'toolbar payout-toolbar' },
    h('label', { class: 'field inline-field', for: 'payout-month' }, 'Month'),
    select,
    calculate,
    approve,
    reopen,
    payout ? exportMenu(month, message) : null,
  );
  const waiting = [...state.openByMonth].sort(([a], [b]) => b.localeCompare(a));
  const openInquiries = waiting.length
    ? h(
        'p',
        { id: 'payout-open-inquiries', role: 'note' },
        'Open questions from payees: ',
        ...waiting.flatMap(([m, count], index) => {
          const go = h('button', { type: 'button', class: 'link-button', 'data-month': m, 'aria-current': m === month ? 'true' : null }, `${formatMonth(m)} (${count})`);
          go.addEventListener('click', async () => {
            if (!months.includes(m)) months.push(m);
            chosen = m;
            try {
              monthView(ctx, host, months, await loadMonth(m));
              document.getElementById('payout-inquiries-title')?.scrollIntoView({ block: 'start' });
            } catch (error) {
              message.replaceChildren(problemBox('That month could not be read', error));
            }
          });
          return index === 0 ? [go] : [', ', go];
        }),
      )
    : null;
  const note = !admin
    ? h('p', { class: 'muted', id: 'payout-admin-note' }, 'Only administrators calculate, adjust, approve or reopen a month.')
    : approved
      ? h('p', { class: 'muted', id: 'payout-locked-note' }, 'The month is approved and locked: its closings, adjustments and statements cannot change until it is reopened.')
      : null;

  host.replaceChildren();
  append(
    host,
    section(
      `Payouts of ${formatMonth(month)}`,
      h('div', { class: 'toolbar' }, stateBadge(payout)),
      openInquiries,
      toolbar,
      note,
      reopenHost,
      message,
    ),
    payout
      ? section('Totals', totals(payout))
      : section('Totals', h('p', { class: 'muted', id: 'payout-none' }, admin ? 'Nothing calculated for this month yet: press Calculate to pay its closings under the plans in force.' : 'Nothing calculated for this month yet.')),
    payout ? section('Statements', statementsTable(payout, message), historyList(payout)) : null,
    payout ? inquiriesBlock(state, admin) : null,
    section('Adjustments', adjustmentsTable(month, adjustments, admin && !approved, message, redraw), admin ? adjustmentForm(month, approved, people(state), redraw) : null),
  );
}

function adjustmentsTable(month: string, items: Adjustment[], writable: boolean, message: HTMLElement, redraw: (note?: string) => Promise<void>): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted', id: 'payout-adjustments-none' }, 'No adjustments this month.');
  const remove = (item: Adjustment): HTMLElement => {
    const host = h('span', { class: 'delete-control' });
    if (item.source === 'import') return h('span', { class: 'muted small', title: 'Import the month’s closings again to change it' }, 'From the import');
    const start = h('button', { type: 'button', class: 'button secondary small', disabled: !writable, 'aria-label': `Remove the ${formatMoney(item.amount, true)} adjustment of ${item.payee}` }, 'Remove');
    start.addEventListener('click', () => {
      const yes = h('button', { type: 'button', class: 'button danger small', 'data-confirm': 'remove' }, 'Remove');
      const no = h('button', { type: 'button', class: 'button secondary small' }, 'Cancel');
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        try {
          await apiSend('DELETE', `/payouts/${month}/adjustments/${item.id}`, undefined, undefined, { inlinePaywall: true });
          await redraw(`Adjustment of ${item.payee} removed: recalculate to see it on the statements.`);
        } catch (error) {
          host.replaceChildren(start);
          message.replaceChildren(problemBox('Not removed', error));
        }
      });
      no.addEventListener('click', () => {
        host.replaceChildren(start);
        start.focus();
      });
      host.replaceChildren(h('span', { role: 'alert' }, `Remove ${formatMoney(item.amount, true)} for ${item.payee}? `), yes, ' ', no);
      yes.focus();
    });
    host.append(start);
    return host;
  };
  const columns: Array<Column<Adjustment>> = [
    { label: 'Person', sort: (a) => a.payee },
    { label: 'Reason', sort: (a) => REASON_LABEL.get(a.reason) ?? a.reason },
    { label: 'Amount', sort: (a) => a.amount, text: (a) => formatMoney(a.amount, true), numeric: true },
    { label: 'Note', sort: (a) => a.note ?? '', text: (a) => a.note || '—', narrow: true },
    { label: 'Action', sort: () => null, text: remove },
  ];
  return sortableTable(columns, items, { id: 'payout-adjustments', caption: `Adjustments of ${formatMonth(month)}`, sortBy: 0 });
}

/** The people the month knows of (statements, uncovered, adjustments), offered when naming a payee. */
function people(state: MonthState): string[] {
  const names = [...(state.payout?.statements.map((s) => s.payee) ?? []), ...(state.payout?.uncovered ?? []), ...state.adjustments.map((a) => a.payee)];
  return [...new Set(names)].sort((a, b) => a.localeCompare(b));
}

function adjustmentForm(month: string, approved: boolean, known: string[], redraw: (note?: string) => Promise<void>): HTMLElement {
  const list = h('datalist', { id: 'adjustment-people' }, ...known.map((name) => h('option', { value: name })));
  const payee = h('input', { type: 'text', id: 'adjustment-payee', name: 'payee', required: true, maxlength: 200, autocomplete: 'off', list: 'adjustment-people' });
  const amount = h('input', { type: 'number', id: 'adjustment-amount', name: 'amount', required: true, step: '0.01', inputmode: 'decimal' });
  const reason = h('select', { id: 'adjustment-reason', name: 'reason' }, ...REASONS.map(([value, label]) => h('option', { value }, label)));
  const note = h('input', { type: 'text', id: 'adjustment-note', name: 'note', maxlength: 500, autocomplete: 'off' });
  const add = h('button', { type: 'submit', class: 'button', id: 'adjustment-add' }, 'Add adjustment');
  const outcome = h('div', { id: 'adjustment-outcome', 'aria-live': 'polite' });
  const field = (label: string, input: HTMLElement) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
  const fieldset = h(
    'fieldset',
    { class: 'adjustment-fields', disabled: approved },
    h('legend', {}, approved ? 'Add an adjustment (the month is approved: reopen it first)' : 'Add an adjustment'),
    h('div', { class: 'fields' }, field('Person', payee), field('Amount (negative to deduct)', amount), field('Reason', reason), field('Note (optional)', note)),
    h('div', { class: 'toolbar' }, add),
  );
  const form = h('form', { id: 'adjustment-form', novalidate: true }, fieldset, list, outcome);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = Number(amount.value);
    if (!payee.value.trim() || amount.value === '' || !Number.isFinite(value) || value === 0 || !/^-?\d+(\.\d{1,2})?$/.test(amount.value.trim())) {
      outcome.replaceChildren(h('p', { class: 'error', role: 'alert' }, !payee.value.trim() ? 'Name the person.' : 'Give an amount other than 0, with at most 2 decimals.'));
      (!payee.value.trim() ? payee : amount).focus();
      return;
    }
    add.disabled = true;
    try {
      const body = { payee: payee.value.trim(), amount: value, reason: reason.value as Reason, ...(note.value.trim() ? { note: note.value.trim() } : {}) };
      await apiSend<Adjustment>('POST', `/payouts/${month}/adjustments`, body, undefined, { inlinePaywall: true });
      await redraw(`Adjustment of ${formatMoney(value, true)} for ${body.payee} added: recalculate to see it on the statement.`);
    } catch (error) {
      add.disabled = false;
      outcome.replaceChildren(problemBox('Not added', error));
    }
  });
  return form;
}
