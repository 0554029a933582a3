import { ApiError } from './api';
import { h } from './dom';

export function loadingState(text = 'Loading…'): HTMLElement {
  return h('div', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ` ${text}`);
}

export interface Action {
  label: string;
  onClick: () => void;
}

/** An empty state always says what to do next. */
export function emptyState(title: string, text: string, action?: Action): HTMLElement {
  return h(
    'div',
    { class: 'state state-empty' },
    h('div', { class: 'state-icon', 'aria-hidden': 'true' }, '∅'),
    h('h3', {}, title),
    h('p', {}, text),
    action ? h('button', { type: 'button', class: 'button', onclick: action.onClick }, action.label) : null,
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return `Something went wrong: ${error.message}`;
  return 'Something went wrong.';
}

export function errorState(error: unknown, retry?: () => void): HTMLElement {
  const pointers = error instanceof ApiError ? error.pointers : [];
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('h3', {}, 'That did not work'),
    h('p', {}, errorMessage(error)),
    pointers.length ? pointerList(pointers) : null,
    retry ? h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again') : null,
  );
}

export function notAvailable(what: string, detail: string): HTMLElement {
  return h(
    'div',
    { class: 'state state-empty', 'data-not-available': 'true' },
    h('div', { class: 'state-icon', 'aria-hidden': 'true' }, '⏳'),
    h('h3', {}, `${what} is not available yet`),
    h('p', {}, detail),
  );
}

/**
 * Where a pointer of a CSV import is in the spreadsheet, as its user sees it: `/rows/1/gp` is the
 * first row under the header, so row 2, column "gp"; `/header` the header row. Undefined for
 * pointers that name no cell (a JSON document's, or the month's).
 */
export function spreadsheetPlace(pointer: string): string | undefined {
  if (pointer === '/header') return 'header row';
  const cell = /^\/rows\/(\d+)(?:\/([^/]+))?$/.exec(pointer);
  if (!cell) return undefined;
  const row = `row ${Number(cell[1]) + 1}`;
  return cell[2] ? `${row}, column “${cell[2]}”` : row;
}

/** The errors of a 422, each with where it is: the pointer, or for a spreadsheet the row and column. */
export function pointerList(pointers: Array<{ pointer: string; message: string }>, limit = 50, place?: (pointer: string) => string | undefined): HTMLElement {
  const list = h('ul', { class: 'pointers' });
  for (const { pointer, message } of pointers.slice(0, limit)) {
    const where = place?.(pointer);
    list.append(h('li', {}, where ? h('strong', { class: 'place' }, `${where}:`) : h('code', {}, pointer || '/'), ' ', message));
  }
  if (pointers.length > limit) list.append(h('li', {}, `…and ${pointers.length - limit} more`));
  return list;
}

let toastTimer: number | undefined;
export function toast(message: string): void {
  const element = document.getElementById('toast');
  if (!element) return;
  element.textContent = message;
  element.hidden = false;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    element.hidden = true;
  }, 4000);
}

/** A KPI card. */
export function card(label: string, value: string, note?: string, tone?: 'good' | 'bad'): HTMLElement {
  return h(
    'div',
    { class: `kpi${tone ? ` kpi-${tone}` : ''}` },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value' }, value),
    note ? h('div', { class: 'kpi-note' }, note) : null,
  );
}

export function section(title: string, ...children: Array<Node | null>): HTMLElement {
  return h('section', { class: 'block' }, h('h2', {}, title), ...children);
}
