/**
 * An inquiry about one line of a statement, as both sides see it (issue 16: "a payee can question
 * a line"): the line as it stood when asked, the thread in order, and, while it is open, a reply
 * box (the payee and admins) and the resolution with its note (admins). Members only read. Every
 * write answers the inquiry as it now is, and the thread is drawn again from that answer.
 */
import { apiSend } from '../api';
import { h } from '../dom';
import { formatMoney } from '../format';
import type { Inquiry, Payout } from '../types';
import { groupDecimal, problemBox, when } from './payout-words';

type Line = Payout['statements'][number]['lines'][number];

/** Who is looking: the payee of the thread, an admin (answers and resolves), or a member (reads). */
export type Side = 'payee' | 'admin' | 'reader';

const lineName = (line: Line, index: number) => `Line ${index + 1}: ${line.label}`;

function author(inquiry: Inquiry, from: 'payee' | 'admin', side: Side): string {
  if (from === 'payee') return side === 'payee' ? 'You' : inquiry.payee;
  return side === 'admin' ? 'An administrator (your side)' : 'Your administrator';
}

function messageBox(id: string, label: string, name: string, max: number): { field: HTMLElement; input: HTMLTextAreaElement } {
  const input = h('textarea', { id, name, rows: 3, maxlength: max, required: true });
  return { field: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}

/** Sends a form's one text: refused in place when blank, the button busy meanwhile. */
function sendOnSubmit(form: HTMLFormElement, input: HTMLTextAreaElement | HTMLInputElement, button: HTMLButtonElement, outcome: HTMLElement, title: string, send: (text: string) => Promise<void>): void {
  input.addEventListener('input', () => input.setCustomValidity(''));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      input.setCustomValidity('Write something first.');
      input.reportValidity();
      return;
    }
    button.disabled = true;
    try {
      await send(text);
    } catch (error) {
      button.disabled = false;
      outcome.replaceChildren(problemBox(title, error));
    }
  });
}

export interface ThreadOptions {
  side: Side;
  /** Told after a reply or a resolution, with the inquiry as the server now has it. */
  onChange?: (fresh: Inquiry) => void;
}

export function inquiryThread(inquiry: Inquiry, options: ThreadOptions): HTMLElement {
  const { side } = options;
  const open = inquiry.status === 'open';
  const base = `inquiry-${inquiry.id}`;
  const outcome = h('div', { class: 'inquiry-outcome', 'aria-live': 'polite' });
  const node = h(
    'article',
    { class: 'inquiry', id: base, 'data-id': inquiry.id, 'data-status': inquiry.status, 'data-payee': inquiry.payee, 'aria-labelledby': `${base}-title` },
    h(
      'header',
      { class: 'inquiry-head' },
      h('h3', { id: `${base}-title` }, `${side === 'payee' ? '' : `${inquiry.payee}, `}${lineName(inquiry.line, inquiry.line_index)}`),
      h('span', { class: `badge ${open ? 'badge-warn' : 'badge-good'}`, 'data-status': inquiry.status }, open ? 'Open' : `Resolved ${inquiry.resolved_at ? when(inquiry.resolved_at) : ''}`.trim()),
    ),
    h('p', { class: 'muted small inquiry-line' }, `${inquiry.line.component}, ${inquiry.line.plan ?? 'adjustment'}: ${formatMoney(Number(inquiry.line.amount), true)} (${groupDecimal(inquiry.line.amount)} exact)`),
    h(
      'ol',
      { class: 'inquiry-messages', 'aria-label': 'The thread, oldest first' },
      ...inquiry.messages.map((message) =>
        h(
          'li',
          { class: 'inquiry-message', 'data-from': message.from },
          h('div', { class: 'inquiry-meta' }, h('strong', {}, author(inquiry, message.from, side)), ` · ${when(message.at)}`),
          h('p', { class: 'inquiry-text' }, message.message),
        ),
      ),
    ),
    inquiry.status === 'resolved' ? h('p', { class: 'inquiry-resolution' }, h('strong', {}, 'Resolved: '), inquiry.resolution_note ?? '') : null,
  );
  const redraw = (fresh: Inquiry) => {
    const next = inquiryThread(fresh, options);
    node.replaceWith(next);
    options.onChange?.(fresh);
    next.querySelector<HTMLElement>('.inquiry-head h3')?.setAttribute('tabindex', '-1');
    next.querySelector<HTMLElement>('.inquiry-head h3')?.focus();
  };

  if (open && side !== 'reader') {
    const { field, input } = messageBox(`${base}-reply`, 'Reply', 'message', 4000);
    const send = h('button', { type: 'submit', class: 'button secondary' }, 'Send reply');
    const form = h('form', { class: 'inquiry-reply', 'aria-label': 'Reply in the thread' }, field, h('div', { class: 'toolbar' }, send));
    sendOnSubmit(form, input, send, outcome, 'The reply was not sent', async (message) => {
      redraw(await apiSend<Inquiry>('POST', `/payouts/${inquiry.month}/inquiries/${inquiry.id}/replies`, { message }, undefined, { inlinePaywall: true }));
    });
    node.append(form);
  }
  if (open && side === 'admin') {
    const id = `${base}-note`;
    const note = h('input', { type: 'text', id, name: 'note', maxlength: 2000, required: true, autocomplete: 'off' });
    const resolve = h('button', { type: 'submit', class: 'button' }, 'Resolve');
    const form = h(
      'form',
      { class: 'inquiry-resolve', 'aria-label': 'Resolve the inquiry' },
      h('div', { class: 'field' }, h('label', { for: id }, 'What was decided (closes the inquiry)'), note),
      h('div', { class: 'toolbar' }, resolve),
    );
    sendOnSubmit(form, note, resolve, outcome, 'Not resolved', async (text) => {
      redraw(await apiSend<Inquiry>('POST', `/payouts/${inquiry.month}/inquiries/${inquiry.id}/resolve`, { note: text }, undefined, { inlinePaywall: true }));
    });
    node.append(form);
  }
  node.append(outcome);
  return node;
}

/** The form that asks about one line (the payee, about their own statement). */
export function askForm(month: string, payee: string, index: number, line: Line, done: (created: Inquiry) => void, cancel: () => void): HTMLElement {
  const outcome = h('div', { 'aria-live': 'polite' });
  const { field, input } = messageBox('inquiry-message', `Your question about ${lineName(line, index)}`, 'message', 4000);
  const send = h('button', { type: 'submit', class: 'button', id: 'inquiry-send' }, 'Send the question');
  const back = h('button', { type: 'button', class: 'button secondary' }, 'Cancel');
  back.addEventListener('click', cancel);
  const form = h('form', { id: 'inquiry-form', class: 'inquiry-ask', 'aria-label': 'Ask about a line', 'data-index': index }, field, h('div', { class: 'toolbar' }, send, back), outcome);
  sendOnSubmit(form, input, send, outcome, 'The question was not sent', async (message) => {
    done(await apiSend<Inquiry>('POST', `/payouts/${month}/inquiries`, { line: { payee, index }, message }, undefined, { inlinePaywall: true }));
  });
  queueMicrotask(() => input.focus());
  return form;
}

/** Open inquiries first, then by when they were asked. */
export const byOpenFirst = (a: Inquiry, b: Inquiry) => (a.status === b.status ? a.created_at.localeCompare(b.created_at) : a.status === 'open' ? -1 : 1);
