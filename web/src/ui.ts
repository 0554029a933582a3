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

export function pointerList(pointers: Array<{ pointer: string; message: string }>, limit = 50): HTMLElement {
  const list = h('ul', { class: 'pointers' });
  for (const { pointer, message } of pointers.slice(0, limit)) {
    list.append(h('li', {}, h('code', {}, pointer || '/'), ' ', message));
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
