/**
 * A person's statement as a printable page (GET /payouts/{month}/statements/{payee}, Accept:
 * text/html): every line with its plan, base, bracket (with "overridden: reason" when forced),
 * rate, exact amount and reason, the rounded total, and the month's state (a DRAFT watermark, or
 * "approved on DATE by NAME"). Built from the stored statement only. Every text is escaped; the
 * branding (enterprise tenants) adds a name, an https logo and a #rrggbb colour, each checked
 * again here; the style sheet is statement-css.ts (allowed by hash under the app's CSP). No script.
 */
import { formatAmount, parseAmount } from '../money.js';
import type { Branding } from '../../schemas/branding.js';
import type { PayoutStatementView } from '../../schemas/payouts.js';
import { STATEMENT_CSS } from './statement-css.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element or a quoted attribute. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** Exact decimal text with its whole part grouped by thousands: 1052.2999999 → 1,052.2999999. */
export function groupedDecimal(text: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match) return text;
  return `${match[1]}${match[2]!.replace(/\B(?=(\d{3})+$)/g, ',')}${match[3] ?? ''}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 2025-10-15T12:00:00Z → 15 October 2025 (UTC). */
export function longDate(iso: string): string {
  const date = new Date(iso);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** 2025-09 → September 2025. */
const monthName = (month: string) => `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;

const COLOUR = /^#[0-9a-fA-F]{6}$/;

function brandHeader(branding: Branding): string {
  const white = branding.white_label;
  const name = white && branding.name ? branding.name : 'Commission Intelligence';
  const colour = white && branding.primary_color && COLOUR.test(branding.primary_color) ? branding.primary_color : null;
  const logo = white && branding.logo_url && branding.logo_url.startsWith('https://') ? `<img class="logo" src="${escapeHtml(branding.logo_url)}" alt="">` : '';
  return `<header class="brand"${colour ? ` style="border-bottom-color:${colour}"` : ''}>${logo}<div class="org">${escapeHtml(name)}</div></header>`;
}

function stateText(view: PayoutStatementView): { className: string; text: string } {
  if (view.status === 'draft') return { className: 'state draft', text: 'DRAFT: this month is not approved; its figures may still change.' };
  const by = view.approved_by_email ?? view.approved_by ?? 'a user since erased';
  return { className: 'state approved', text: `Approved on ${view.approved_at ? longDate(view.approved_at) : 'an unknown date'} by ${by}.` };
}

export function statementHtml(view: PayoutStatementView, branding: Branding): string {
  const { statement } = view;
  const state = stateText(view);
  const cents = parseAmount(statement.total);
  const total = cents === null ? String(statement.total) : groupedDecimal(formatAmount(cents));
  const rows = statement.lines.map((line, index) => {
    const plan = line.plan === null ? 'Adjustment' : `${line.plan}${line.plan_version === null ? '' : ` v${line.plan_version}`}`;
    return (
      `<tr data-line="${index + 1}"><td class="num">${index + 1}</td>` +
      `<td><strong>${escapeHtml(line.label)}</strong><br><span class="muted">${escapeHtml(plan)} · ${escapeHtml(line.component)}</span></td>` +
      `<td>${escapeHtml(line.base)}</td><td>${escapeHtml(line.bracket ?? '')}</td>` +
      `<td class="num">${escapeHtml(line.rate ?? '')}</td><td class="num">${escapeHtml(groupedDecimal(line.amount))}</td>` +
      `<td>${escapeHtml(line.reason ?? '')}</td></tr>`
    );
  });
  const warnings =
    statement.warnings.length === 0 ? '' : `<section class="warnings"><h2>Notes</h2><ul>${statement.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul></section>`;
  const title = `Commission statement · ${statement.payee} · ${view.month}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STATEMENT_CSS}</style>
</head>
<body class="${view.status}">
${view.status === 'draft' ? '<div class="watermark" aria-hidden="true">DRAFT</div>\n' : ''}${brandHeader(branding)}
<main>
<h1>Commission statement</h1>
<dl class="facts">
<dt>Payee</dt><dd class="payee">${escapeHtml(statement.payee)}</dd>
<dt>Roles</dt><dd>${escapeHtml(statement.roles.join(', ') || 'none')}</dd>
<dt>Month</dt><dd>${escapeHtml(monthName(view.month))}</dd>
<dt>Total</dt><dd class="total">${escapeHtml(total)}</dd>
</dl>
<p class="${state.className}">${escapeHtml(state.text)}</p>
<table class="lines">
<colgroup><col class="n"><col class="item"><col class="base"><col class="bracket"><col class="rate"><col class="amount"><col class="reason"></colgroup>
<thead><tr><th class="num" scope="col">#</th><th scope="col">Line</th><th scope="col">Base</th><th scope="col">Bracket</th><th class="num" scope="col">Rate</th><th class="num" scope="col">Amount</th><th scope="col">Reason</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
<tfoot><tr><th scope="row" colspan="5">Total</th><td class="num">${escapeHtml(total)}</td><td></td></tr></tfoot>
</table>
${warnings}
</main>
<footer>The statement of ${escapeHtml(view.month)} as its calculation stored it. Each line's amount is exact; the total is their sum, rounded half-up to the cent once.</footer>
</body>
</html>
`;
}
