/**
 * How the payout views say things: dates, exact decimals, and a problem in words (a locked month
 * without ISO timestamps and API paths). Shared by Payouts, a payee's own pay and inquiry threads.
 */
import { ApiError } from '../api';
import { h } from '../dom';
import { formatMonth } from '../format';
import { errorMessage, pointerList } from '../ui';

const day = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
export const when = (iso: string) => day.format(new Date(iso));

/** "12345.678" → "12,345.678": the exact decimal text, grouped, never through a float. */
export function groupDecimal(text: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match) return text;
  return `${match[1]}${match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${match[3] ?? ''}`;
}

/** A problem as people read it: the server's detail (409 month-approved names who and when), then the pointers of a 422. */
export function problemBox(title: string, error: unknown): HTMLElement {
  const pointers = error instanceof ApiError ? error.pointers : [];
  const code = error instanceof ApiError && typeof error.problem.type === 'string' ? error.problem.type.split('/').pop() : undefined;
  return h(
    'div',
    { class: 'state state-error', role: 'alert', 'data-outcome': 'error', ...(code ? { 'data-problem': code } : {}) },
    h('h3', {}, title),
    h('p', {}, problemText(error, code)),
    pointers.length ? pointerList(pointers) : null,
  );
}

/** The server's words, but a locked month said without ISO timestamps and API paths. */
function problemText(error: unknown, code: string | undefined): string {
  if (!(error instanceof ApiError) || code !== 'month-approved') return errorMessage(error);
  const { month, approved_at: at, approved_by_email: email, approved_by: by } = error.problem as { month?: unknown; approved_at?: unknown; approved_by_email?: unknown; approved_by?: unknown };
  const who = typeof email === 'string' ? email : typeof by === 'string' ? by : undefined;
  return (
    `${typeof month === 'string' ? formatMonth(month) : 'This month'} is approved` +
    `${who ? ` by ${who}` : ''}${typeof at === 'string' ? ` on ${when(at)}` : ''} and locked: an administrator must reopen it before anything changes.`
  );
}

