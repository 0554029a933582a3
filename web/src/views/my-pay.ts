/**
 * "My pay": what a payee (`app_metadata.role: "payee"`) sees, and all they see of the tenant
 * (issue 16). Their months newest first with each month's total (GET /me/statements: approved
 * months, and drafts when the tenant lets payees see them); the month picked opens to its
 * statement with every line (base, bracket, rate, exact amount, reason), the month's state and a
 * link to the printable page; each line can be questioned, and the month's questions are shown
 * with their threads, where the payee replies until an administrator resolves them.
 */
import { ApiError, apiGet } from '../api';
import { h } from '../dom';
import { formatMoney, formatMonth, plural } from '../format';
import type { Inquiry, InquiryList, MyStatement, MyStatements } from '../types';
import { emptyState, section } from '../ui';
import type { View, ViewContext } from '../view';
import { askForm, byOpenFirst, inquiryThread } from './inquiry-thread';
import { problemBox, when } from './payout-words';
import { linesTable, openPrintable, statementPath } from './payouts';

/** The month shown, kept across re-renders. */
let chosen: string | undefined;

function stateLine(statement: MyStatement): HTMLElement {
  return statement.status === 'approved'
    ? h('span', { class: 'badge badge-state badge-good', id: 'my-statement-state', 'data-state': 'approved', role: 'status' }, `Approved${statement.approved_at ? ` on ${when(statement.approved_at)}` : ''}`)
    : h('span', { class: 'badge badge-state badge-draft', id: 'my-statement-state', 'data-state': 'draft', role: 'status' }, 'Draft: not approved yet, it may still change');
}

function monthsTable(list: MyStatements, current: string, pick: (month: string) => void): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table', id: 'my-months' },
      h('caption', { class: 'visually-hidden' }, 'Your months, newest first'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Month'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col', class: 'num' }, 'Your pay'))),
      h(
        'tbody',
        {},
        ...list.items.map((item) => {
          const open = h('button', { type: 'button', class: 'link-button', 'aria-current': item.month === current ? 'true' : null, 'data-month': item.month }, formatMonth(item.month));
          open.addEventListener('click', () => pick(item.month));
          return h(
            'tr',
            { 'data-month': item.month, class: item.month === current ? 'current' : null },
            h('th', { scope: 'row' }, open),
            h('td', {}, item.status === 'approved' ? `Approved${item.approved_at ? ` ${when(item.approved_at)}` : ''}` : 'Draft'),
            h('td', { class: 'num' }, formatMoney(item.total, true)),
          );
        }),
      ),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: 2 }, `Total of ${plural(list.items.length, 'month')}`), h('td', { class: 'num', id: 'my-months-total' }, formatMoney(list.total, true)))),
    ),
  );
}

async function loadInquiries(month: string, signal?: AbortSignal): Promise<Inquiry[]> {
  try {
    return (await apiGet<InquiryList>(`/payouts/${month}/inquiries`, signal, { inlinePaywall: true })).items;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

function statementBlock(statement: MyStatement, initial: Inquiry[], payee: string): HTMLElement[] {
  const { month } = statement;
  const status = h('div', { id: 'my-statement-message', 'aria-live': 'polite' });
  const threads = h('div', { class: 'stack', id: 'my-inquiries' });
  const inquiries = [...initial];
  const askHost = h('div', { id: 'my-ask-host' });

  const drawThreads = () => {
    threads.replaceChildren(
      ...(inquiries.length === 0
        ? [h('p', { class: 'muted', id: 'my-inquiries-none' }, 'No questions about this month. If a line looks wrong, press “Ask” on it: your administrator answers here.')]
        : [...inquiries].sort(byOpenFirst).map((inquiry) => inquiryThread(inquiry, { side: 'payee', onChange: (fresh) => replace(fresh) }))),
    );
  };
  const replace = (fresh: Inquiry) => {
    const at = inquiries.findIndex((inquiry) => inquiry.id === fresh.id);
    if (at >= 0) inquiries[at] = fresh;
    else inquiries.push(fresh);
  };

  const asking = (line: MyStatement['statement']['lines'][number], index: number) => {
    const ask = h('button', { type: 'button', class: 'button secondary small ask-line', 'data-index': index, 'aria-label': `Ask about line ${index + 1}: ${line.label}` }, 'Ask');
    ask.addEventListener('click', () => {
      askHost.replaceChildren(
        askForm(
          month,
          payee,
          index,
          line,
          (created) => {
            askHost.replaceChildren();
            inquiries.push(created);
            drawThreads();
            status.replaceChildren(h('p', { class: 'muted', role: 'status', 'data-outcome': 'success' }, 'Question sent: the answer appears below.'));
            document.getElementById(`inquiry-${created.id}`)?.scrollIntoView({ block: 'nearest' });
          },
          () => {
            askHost.replaceChildren();
            ask.focus();
          },
        ),
      );
    });
    return ask;
  };

  const print = h('a', { href: `/api/v1${statementPath(month, payee)}`, class: 'button secondary', id: 'my-statement-print', target: '_blank', rel: 'noopener' }, 'Printable statement');
  print.addEventListener('click', (event) => {
    event.preventDefault();
    void openPrintable(statementPath(month, payee), `statement-${month}-${payee.replace(/[^A-Za-z0-9]+/g, '-')}.html`, status);
  });

  drawThreads();
  const s = statement.statement;
  return [
    section(
      `Your statement for ${formatMonth(month)}`,
      h('div', { class: 'toolbar' }, stateLine(statement), print),
      h(
        'div',
        { class: 'kpis' },
        h('div', { class: 'kpi', id: 'my-statement-total' }, h('div', { class: 'kpi-label' }, 'Your pay'), h('div', { class: 'kpi-value' }, formatMoney(s.total, true)), h('div', { class: 'kpi-note' }, plural(s.lines.length, 'line'))),
        h('div', { class: 'kpi' }, h('div', { class: 'kpi-label' }, 'Role'), h('div', { class: 'kpi-value' }, s.roles.join(', ') || '—')),
      ),
      h('div', { id: 'my-statement' }, linesTable(s, { label: 'Question', cell: asking })),
      askHost,
      status,
    ),
    section(`Your questions about ${formatMonth(month)}`, threads),
  ];
}

export const myPayView: View = {
  id: 'statements',
  label: 'My pay',
  async render(ctx: ViewContext) {
    const list = await apiGet<MyStatements>('/me/statements', ctx.signal, { inlinePaywall: true });
    if (list.items.length === 0) {
      ctx.mount(h('div', { class: 'view', id: 'my-pay' }, emptyState('No statements yet', 'Your statement appears here once your administrator has approved a month of pay.')));
      return;
    }
    if (!chosen || !list.items.some((item) => item.month === chosen)) chosen = list.items[0]!.month;
    const host = h('div', { class: 'view', id: 'my-pay' });
    const draw = async (month: string, signal?: AbortSignal) => {
      const [statement, inquiries] = await Promise.all([apiGet<MyStatement>(`/me/statements/${month}`, signal, { inlinePaywall: true }), loadInquiries(month, signal)]);
      chosen = month;
      host.replaceChildren(
        section(`Your pay, ${list.payee}`, monthsTable(list, month, pick)),
        ...statementBlock(statement, inquiries, list.payee),
      );
    };
    const pick = (month: string) => {
      draw(month).then(
        () => document.querySelector<HTMLElement>(`#my-months button[data-month="${month}"]`)?.focus(),
        (error: unknown) => host.querySelector('#my-statement-message')?.replaceChildren(problemBox('That month could not be read', error)),
      );
    };
    await draw(chosen, ctx.signal);
    ctx.mount(host);
  },
};
