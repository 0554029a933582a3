/**
 * A table sortable from its headers: each header is a button (Enter or Space sorts by it, a second
 * press reverses), the sorted column carries aria-sort, and the table scrolls inside its own box
 * on narrow screens instead of widening the page.
 */
import { h } from './dom';

export interface Column<T> {
  label: string;
  /** What the column sorts by. */
  sort: (row: T) => number | string | null;
  /** What the cell shows (defaults to the sort value). */
  text?: (row: T) => string | Node;
  numeric?: boolean;
  /** Hidden on narrow screens (details a phone can do without). */
  narrow?: boolean;
}

export interface TableOptions {
  id?: string;
  caption?: string;
  /** Initial sort: column index and direction. */
  sortBy?: number;
  descending?: boolean;
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

export function sortableTable<T>(columns: Array<Column<T>>, rows: T[], options: TableOptions = {}): HTMLElement {
  let sortBy = options.sortBy ?? -1;
  let descending = options.descending ?? false;
  const body = h('tbody');
  const headers = columns.map((column, index) => {
    const button = h('button', { type: 'button', class: 'sort' }, column.label);
    const th = h('th', { scope: 'col', class: [column.numeric ? 'num' : '', column.narrow ? 'hide-narrow' : ''].join(' ').trim() || null }, button);
    button.addEventListener('click', () => {
      descending = sortBy === index ? !descending : Boolean(column.numeric);
      sortBy = index;
      draw();
    });
    return th;
  });
  const draw = () => {
    headers.forEach((th, index) => {
      if (index === sortBy) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
    const column = columns[sortBy];
    const sorted = column ? [...rows].sort((a, b) => compare(column.sort(a), column.sort(b)) * (descending ? -1 : 1)) : rows;
    body.replaceChildren(
      ...sorted.map((row) =>
        h(
          'tr',
          {},
          ...columns.map((c) => {
            const shown = c.text ? c.text(row) : String(c.sort(row) ?? '—');
            return h('td', { class: [c.numeric ? 'num' : '', c.narrow ? 'hide-narrow' : ''].join(' ').trim() || null }, shown);
          }),
        ),
      ),
    );
  };
  draw();
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': options.caption ?? 'Table' },
    h('table', { class: 'table sortable', ...(options.id ? { id: options.id } : {}) }, options.caption ? h('caption', { class: 'visually-hidden' }, options.caption) : null, h('thead', {}, h('tr', {}, ...headers)), body),
  );
}
