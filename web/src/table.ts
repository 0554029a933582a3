/**
 * A table sortable from its headers: each header is a button (Enter or Space sorts by it, a second
 * press reverses), the sorted column carries aria-sort, and the table scrolls inside its own box
 * on narrow screens instead of widening the page. With `details`, each row's first cell is a
 * disclosure button opening a full-width row beneath it (kept open across sorts).
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

export interface RowDetails<T> {
  /** The disclosure button's name for assistive technology ("Lines of Ana Acq"). */
  label: (row: T) => string;
  /** What the opened row shows; made on first opening. */
  render: (row: T) => Node;
}

export function sortableTable<T>(columns: Array<Column<T>>, rows: T[], options: TableOptions & { details?: RowDetails<T> } = {}): HTMLElement {
  const { details } = options;
  const open = new Set<T>();
  const made = new Map<T, HTMLElement>();
  const detailRow = (row: T) => {
    let tr = made.get(row);
    if (!tr) {
      const id = `${options.id ?? 'table'}-detail-${rows.indexOf(row)}`;
      tr = h('tr', { class: 'table-detail', id }, h('td', { colspan: columns.length }, details!.render(row)));
      made.set(row, tr);
    }
    tr.hidden = !open.has(row);
    return tr;
  };
  const cell = (row: T, c: Column<T>, first: boolean) => {
    const shown = c.text ? c.text(row) : String(c.sort(row) ?? '—');
    if (!first || !details) return shown;
    const button = h(
      'button',
      { type: 'button', class: 'disclosure', 'aria-expanded': String(open.has(row)), 'aria-controls': `${options.id ?? 'table'}-detail-${rows.indexOf(row)}`, 'aria-label': details.label(row) },
      shown,
    );
    button.addEventListener('click', () => {
      if (open.has(row)) open.delete(row);
      else open.add(row);
      button.setAttribute('aria-expanded', String(open.has(row)));
      detailRow(row);
    });
    return button;
  };
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
      ...sorted.flatMap((row) => {
        const tr = h('tr', {}, ...columns.map((c, index) => h('td', { class: [c.numeric ? 'num' : '', c.narrow ? 'hide-narrow' : ''].join(' ').trim() || null }, cell(row, c, index === 0))));
        return details ? [tr, detailRow(row)] : [tr];
      }),
    );
  };
  draw();
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': options.caption ?? 'Table' },
    h('table', { class: 'table sortable', ...(options.id ? { id: options.id } : {}) }, options.caption ? h('caption', { class: 'visually-hidden' }, options.caption) : null, h('thead', {}, h('tr', {}, ...headers)), body),
  );
}
