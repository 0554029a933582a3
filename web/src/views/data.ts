import { ApiError, apiGet, download, upload } from '../api';
import { h } from '../dom';
import { formatInt, formatMoney, formatMonth, formatPct, plural } from '../format';
import { sortableTable, type Column } from '../table';
import type { ImportResult, MonthList, MonthSummary } from '../types';
import { emptyState, errorMessage, pointerList, section } from '../ui';
import type { View } from '../view';

/** The media type the import takes for a file, by its name first (browsers guess CSV types inconsistently). */
export function importType(file: File): string | undefined {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'text/csv';
  if (name.endsWith('.json') || file.type === 'application/json') return 'application/json';
  return undefined;
}

export const dataView: View = {
  id: 'data',
  label: 'Import & export',
  async render(ctx) {
    const months = await apiGet<MonthList>('/commissions?limit=200', ctx.signal);
    const exportHost = h('div', {}, exportBox(months));
    const tableHost = h('div', {}, monthsTable(months));
    const imported = () => {
      ctx.dataChanged();
      apiGet<MonthList>('/commissions?limit=200').then(
        (fresh) => {
          exportHost.replaceChildren(exportBox(fresh));
          tableHost.replaceChildren(monthsTable(fresh));
        },
        () => {},
      );
    };
    ctx.mount(
      h(
        'div',
        { class: 'view' },
        h('div', { class: 'grid-2' }, section('Import a month', importBox(imported)), section('Export', exportHost)),
        section('Imported months', tableHost),
      ),
    );
  },
};

function importBox(imported: () => void): HTMLElement {
  const input = h('input', { type: 'file', id: 'import-file', accept: '.json,.csv,application/json,text/csv', class: 'visually-hidden' });
  const zone = h(
    'label',
    { class: 'dropzone', for: 'import-file', id: 'dropzone' },
    h('span', { class: 'dropzone-icon', 'aria-hidden': 'true' }, '⇪'),
    h('strong', {}, 'Drop a JSON or CSV file here'),
    h('span', { class: 'muted' }, 'or choose one — one month per file; a month imported again is replaced'),
  );
  const progress = h('progress', { max: '100', value: '0', 'aria-label': 'Upload progress' });
  const progressText = h('span', { class: 'muted' });
  const progressBox = h('div', { class: 'progress', hidden: true }, progress, progressText);
  const outcome = h('div', { id: 'import-outcome', 'aria-live': 'polite' });

  const send = async (file: File) => {
    const type = importType(file);
    outcome.replaceChildren();
    if (!type) {
      outcome.append(h('div', { class: 'state state-error', role: 'alert' }, h('p', {}, `“${file.name}” is not a .json or .csv file, so it cannot be imported.`)));
      return;
    }
    progressBox.hidden = false;
    progress.value = 0;
    progressText.textContent = `Uploading ${file.name}…`;
    zone.classList.add('busy');
    try {
      const result = await upload<ImportResult>('/commissions/import', file, {
        contentType: type,
        idempotencyKey: crypto.randomUUID(),
        onProgress: (fraction) => {
          progress.value = Math.round(fraction * 100);
          progressText.textContent = fraction < 1 ? `Uploading ${file.name}… ${Math.round(fraction * 100)}%` : 'Checking and saving…';
        },
      });
      progress.value = 100;
      progressText.textContent = 'Done.';
      const warnings = result.validation_warnings ?? [];
      outcome.append(
        h(
          'div',
          { class: 'state state-success', 'data-outcome': 'success' },
          h('h3', {}, `${result.month ? formatMonth(result.month) : 'The month'} ${result.replaced ? 'replaced' : 'imported'}`),
          h(
            'p',
            {},
            `${plural(result.imported.agents, 'agent')}, ${plural(result.imported.managers, 'manager')}${result.imported.deals === undefined ? '' : `, ${plural(result.imported.deals, 'deal')}`}; total commission ${formatMoney(result.imported.total_commission, true)}.`,
          ),
          warnings.length
            ? h('div', {}, h('h4', {}, `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`), h('ul', { class: 'warnings' }, ...warnings.map((w) => h('li', {}, w))))
            : h('p', { class: 'muted' }, 'No warnings.'),
        ),
      );
      imported();
    } catch (error) {
      progressBox.hidden = true;
      const pointers = error instanceof ApiError ? error.pointers : [];
      outcome.append(
        h(
          'div',
          { class: 'state state-error', role: 'alert', 'data-outcome': 'error' },
          h('h3', {}, 'Nothing was imported'),
          h('p', {}, errorMessage(error)),
          pointers.length ? h('div', {}, h('p', {}, 'Fix these in the file and drop it again:'), pointerList(pointers)) : null,
        ),
      );
    } finally {
      zone.classList.remove('busy');
      input.value = '';
    }
  };

  // Space opens a focused file input's picker; Enter, which people press on anything that looks
  // like a button, should too.
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    input.click();
  });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void send(file);
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const file = event.dataTransfer?.files[0];
    if (file) void send(file);
  });
  return h('div', {}, input, zone, progressBox, outcome);
}

function exportBox(months: MonthList): HTMLElement {
  if (months.items.length === 0) return h('p', { class: 'muted' }, 'Nothing to export yet: import a month first.');
  const select = h('select', { 'aria-label': 'Month to export' }, ...months.items.map((m) => h('option', { value: m.month }, formatMonth(m.month))));
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  const run = (format: 'json' | 'csv') => async () => {
    status.textContent = 'Preparing the file…';
    try {
      await download(`/commissions/export?month=${select.value}&format=${format}`, `commissions-${select.value}.${format}`);
      status.textContent = `Downloaded ${formatMonth(select.value)} as ${format.toUpperCase()}.`;
    } catch (error) {
      status.textContent = errorMessage(error);
    }
  };
  const oldest = months.items[months.items.length - 1]!.month;
  const newest = months.items[0]!.month;
  const all = async () => {
    status.textContent = 'Preparing the file…';
    try {
      await download(`/commissions/export?from=${oldest}&to=${newest}&format=csv`, `commissions-${oldest}-to-${newest}.csv`);
      status.textContent = 'Downloaded every month as one CSV.';
    } catch (error) {
      status.textContent = errorMessage(error);
    }
  };
  return h(
    'div',
    {},
    h('label', { class: 'field' }, 'Month ', select),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', class: 'button', id: 'export-json', onclick: run('json') }, 'Export JSON'),
      h('button', { type: 'button', class: 'button', id: 'export-csv', onclick: run('csv') }, 'Export CSV'),
      h('button', { type: 'button', class: 'button secondary', onclick: all }, 'All months (CSV)'),
    ),
    status,
  );
}

function monthsTable(months: MonthList): HTMLElement {
  if (months.items.length === 0) {
    return emptyState('No commission data yet', 'Drop your first month’s JSON or CSV file in the box above. The format is the one the export writes.', {
      label: 'Choose a file',
      onClick: () => document.getElementById('import-file')?.click(),
    });
  }
  const columns: Array<Column<MonthSummary>> = [
    { label: 'Month', sort: (m) => m.month, text: (m) => formatMonth(m.month) },
    { label: 'GP', sort: (m) => m.total_gp, text: (m) => formatMoney(m.total_gp), numeric: true },
    { label: 'Commission', sort: (m) => m.total_commission, text: (m) => formatMoney(m.total_commission), numeric: true },
    { label: '% of GP', sort: (m) => m.commission_pct, text: (m) => formatPct(m.commission_pct), numeric: true },
    { label: 'Agents', sort: (m) => m.agents, text: (m) => formatInt(m.agents), numeric: true, narrow: true },
    { label: 'Deals', sort: (m) => m.transactions, text: (m) => formatInt(m.transactions), numeric: true, narrow: true },
  ];
  return sortableTable(columns, months.items, { id: 'months-table', caption: 'Imported months', sortBy: 0, descending: true });
}
