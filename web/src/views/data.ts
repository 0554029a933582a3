import { ApiError, apiGet, apiSend, download, upload } from '../api';
import { h } from '../dom';
import { wireFileDrop } from '../file-drop';
import { formatInt, formatMoney, formatMonth, formatPct, plural } from '../format';
import { sortableTable, type Column } from '../table';
import type { ClosingsMonthList, ImportPreview, ImportResult, MonthList, MonthSummary } from '../types';
import { emptyState, errorMessage, pointerList, section, spreadsheetPlace } from '../ui';
import type { View } from '../view';
import { closingsImport } from './closings-import';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The media type the import takes for a file, by its name first (browsers guess CSV types inconsistently). */
export function importType(file: File): string | undefined {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'text/csv';
  if (name.endsWith('.json') || file.type === 'application/json') return 'application/json';
  if (name.endsWith('.xlsx') || file.type === XLSX_TYPE) return XLSX_TYPE;
  return undefined;
}

export const dataView: View = {
  id: 'data',
  label: 'Import & export',
  async render(ctx) {
    const [months, closings] = await Promise.all([apiGet<MonthList>('/commissions?limit=200', ctx.signal), closingMonths(ctx.signal)]);
    const exportHost = h('div', {}, exportBox(months));
    const tableHost = h('div', {}, monthsTable(months, () => refresh()));
    const closingsHost = h('div', {}, closingsTable(closings, () => refresh()));
    const guideHost = h('div', {}, months.total === 0 && closings.total === 0 ? gettingStarted() : null);
    /** Redraws the lists; resolves with the months as the table now shows them (undefined if unread). */
    const refresh = (): Promise<MonthList | undefined> => {
      ctx.dataChanged();
      return Promise.all([apiGet<MonthList>('/commissions?limit=200'), closingMonths()]).then(
        ([fresh, freshClosings]) => {
          exportHost.replaceChildren(exportBox(fresh));
          tableHost.replaceChildren(monthsTable(fresh, refresh));
          closingsHost.replaceChildren(closingsTable(freshClosings, refresh));
          if (fresh.total > 0 || freshClosings.total > 0) guideHost.replaceChildren();
          return fresh;
        },
        () => undefined,
      );
    };
    ctx.mount(
      h(
        'div',
        { class: 'view' },
        guideHost,
        section('Import closings (one row per deal)', closingsImport(refresh)),
        h('div', { class: 'grid-2' }, section('Import a payee month', importBox(refresh)), section('Export', exportHost)),
        section('Imported months', tableHost),
        section('Closings months', closingsHost),
      ),
    );
  },
};

/** Months with closings; none when this server has no closings routes yet. */
export function closingMonths(signal?: AbortSignal): Promise<ClosingsMonthList> {
  return apiGet<ClosingsMonthList>('/closings?limit=200', signal).catch((error: unknown) => {
    if (error instanceof ApiError && error.kind === 'missing-route') return { items: [], total: 0, limit: 200, offset: 0 };
    throw error;
  });
}

/** A first-time organisation: what to do, in order. */
function gettingStarted(): HTMLElement {
  const startStatus = h('p', { class: 'muted', 'aria-live': 'polite' });
  return h(
    'section',
    { class: 'block onboarding', id: 'getting-started', 'aria-labelledby': 'getting-started-title' },
    h('h2', { id: 'getting-started-title' }, 'Get your first month in'),
    h(
      'ol',
      {},
      h('li', {}, 'Export the month’s closings from your spreadsheet or CRM as it is (CSV or xlsx, one row per deal, both sides on one row). Or start from the template below.'),
      h('li', {}, 'Choose the month and drop the file in “Import closings”: the columns are matched from the headers for you to check.'),
      h('li', {}, 'Preview: the rows, company GP and any warnings (a totals line is skipped). Nothing is written until you press Import.'),
    ),
    h('p', { class: 'muted' }, 'Already have each payee’s commission worked out? Use “Import a payee month” (JSON or CSV) instead.'),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', class: 'button', onclick: () => document.getElementById('closings-month')?.focus() }, 'Start with closings'),
      ...payeeTemplateButtons(startStatus, true),
    ),
    startStatus,
  );
}

/**
 * The payee template buttons: the server's files (GET /commissions/template.csv, .xlsx), which
 * import as they are; `status` says what happened.
 */
function payeeTemplateButtons(status: HTMLElement, primary = false): HTMLElement[] {
  const get = (format: 'csv' | 'xlsx') => async () => {
    status.textContent = 'Preparing the template…';
    try {
      await download(`/commissions/template.${format}`, `payee-month-template.${format}`);
      status.textContent = `Downloaded the payee template (${format === 'csv' ? 'CSV' : 'Excel'}): replace the example rows with your payees and drop it above.`;
    } catch (error) {
      status.textContent = errorMessage(error);
    }
  };
  const kind = primary ? 'button secondary' : 'button secondary small';
  return [
    h('button', { type: 'button', class: kind, id: primary ? 'payee-template-csv-start' : 'payee-template-csv', onclick: get('csv') }, 'Payee CSV template'),
    h('button', { type: 'button', class: kind, id: primary ? 'payee-template-xlsx-start' : 'payee-template-xlsx', onclick: get('xlsx') }, 'Payee Excel template'),
  ];
}

/**
 * A delete button that asks first, in place: "Delete Sep 2025?" with Delete and Cancel (admins;
 * the server answers 403 to others, said here).
 */
function deleteControl(what: string, path: string, done: () => void): HTMLElement {
  const host = h('span', { class: 'delete-control' });
  const ask = () => {
    const yes = h('button', { type: 'button', class: 'button danger small', 'data-confirm': 'delete' }, 'Delete');
    const no = h('button', { type: 'button', class: 'button secondary small' }, 'Cancel');
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await apiSend('DELETE', path);
        host.replaceChildren(h('span', { role: 'status' }, 'Deleted'));
        done();
      } catch (error) {
        host.replaceChildren(h('span', { class: 'error', role: 'alert' }, errorMessage(error)));
      }
    });
    no.addEventListener('click', () => {
      host.replaceChildren(start);
      start.focus();
    });
    host.replaceChildren(h('span', { role: 'alert' }, `Delete ${what}? `), yes, ' ', no);
    yes.focus();
  };
  const start = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Delete ${what}`, onclick: ask }, 'Delete');
  host.append(start);
  return host;
}

function closingsTable(list: ClosingsMonthList, changed: () => void): HTMLElement {
  if (list.items.length === 0) return h('p', { class: 'muted' }, 'No closings imported yet: import a month’s closings spreadsheet above.');
  type Item = ClosingsMonthList['items'][number];
  const columns: Array<Column<Item>> = [
    { label: 'Month', sort: (m) => m.month, text: (m) => formatMonth(m.month) },
    { label: 'Company GP', sort: (m) => m.company_gp, text: (m) => formatMoney(m.company_gp, true), numeric: true },
    { label: 'Transactions', sort: (m) => m.company_transactions, text: (m) => formatInt(m.company_transactions), numeric: true },
    { label: 'Closings', sort: (m) => m.closings, text: (m) => formatInt(m.closings), numeric: true, narrow: true },
    { label: 'Terminated', sort: (m) => m.terminated, text: (m) => formatInt(m.terminated), numeric: true, narrow: true },
    { label: 'Delete', sort: () => null, text: (m) => deleteControl(`the closings of ${formatMonth(m.month)}`, `/closings/${m.month}`, changed) },
  ];
  return sortableTable(columns, list.items, { id: 'closings-months-table', caption: 'Months with closings', sortBy: 0, descending: true });
}

/** A month's payees and totals in one sentence, as the Imported months table counts them. */
function countsText(c: { agents: number; managers: number; transactions: number; gp: number; commission: number; pct: number | null }): string {
  return `${plural(c.agents, 'agent')}, ${plural(c.managers, 'manager')}, ${plural(c.transactions, 'closed deal')}; GP ${formatMoney(c.gp, true)}, commission ${formatMoney(c.commission, true)} (${formatPct(c.pct)} of GP).`;
}

function importBox(imported: () => Promise<MonthList | undefined>): HTMLElement {
  const input = h('input', { type: 'file', id: 'import-file', accept: `.json,.csv,.xlsx,application/json,text/csv,${XLSX_TYPE}`, class: 'visually-hidden' });
  const zone = h(
    'label',
    { class: 'dropzone', for: 'import-file', id: 'dropzone' },
    h('span', { class: 'dropzone-icon', 'aria-hidden': 'true' }, '⇪'),
    h('strong', {}, 'Drop a JSON, CSV or Excel (.xlsx) file here'),
    h('span', { class: 'muted' }, 'or choose one — one month per file, previewed before anything is written; a month imported again is replaced'),
  );
  const progress = h('progress', { max: '100', value: '0', 'aria-label': 'Upload progress' });
  const progressText = h('span', { class: 'muted' });
  const progressBox = h('div', { class: 'progress', hidden: true }, progress, progressText);
  const outcome = h('div', { id: 'import-outcome', 'aria-live': 'polite' });

  const failed = (error: unknown, type: string) => {
    progressBox.hidden = true;
    const pointers = error instanceof ApiError ? error.pointers : [];
    outcome.replaceChildren(
      h(
        'div',
        { class: 'state state-error', role: 'alert', 'data-outcome': 'error' },
        h('h3', {}, 'Nothing was imported'),
        h('p', {}, errorMessage(error)),
        pointers.length
          ? h('div', {}, h('p', {}, 'Fix these in the file and drop it again:'), pointerList(pointers, 50, type === 'application/json' ? undefined : spreadsheetPlace))
          : null,
      ),
    );
  };
  const warningList = (warnings: string[]) =>
    warnings.length
      ? h('div', {}, h('h4', {}, `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`), h('ul', { class: 'warnings' }, ...warnings.map((w) => h('li', {}, w))))
      : h('p', { class: 'muted' }, 'No warnings.');
  const sendTo = <T,>(path: string, file: File, type: string, what: string, idempotencyKey?: string) =>
    upload<T>(path, file, {
      contentType: type,
      ...(idempotencyKey ? { idempotencyKey } : {}),
      onProgress: (fraction) => {
        progress.value = Math.round(fraction * 100);
        progressText.textContent = fraction < 1 ? `Uploading ${file.name}… ${Math.round(fraction * 100)}%` : what;
      },
    });

  /** The file is previewed first (checked, counted, nothing written); Import writes it. */
  const send = async (file: File) => {
    const type = importType(file);
    outcome.replaceChildren();
    if (!type) {
      outcome.append(h('div', { class: 'state state-error', role: 'alert' }, h('p', {}, `“${file.name}” is not a .json, .csv or .xlsx file, so it cannot be imported.`)));
      return;
    }
    progressBox.hidden = false;
    progress.value = 0;
    progressText.textContent = `Uploading ${file.name}…`;
    zone.classList.add('busy');
    try {
      const preview = await sendTo<ImportPreview>('/commissions/preview', file, type, 'Checking…');
      progressBox.hidden = true;
      const confirm = h('button', { type: 'button', class: 'button', id: 'import-confirm' }, preview.replaces ? `Replace ${formatMonth(preview.month)}` : `Import ${formatMonth(preview.month)}`);
      const cancel = h('button', { type: 'button', class: 'button secondary', id: 'import-cancel' }, 'Cancel');
      confirm.addEventListener('click', () => void write(file, type));
      cancel.addEventListener('click', () => {
        outcome.replaceChildren(h('p', { class: 'muted', 'data-outcome': 'cancelled' }, `Nothing imported from “${file.name}”.`));
        input.focus();
      });
      outcome.replaceChildren(
        h(
          'div',
          { class: 'state', 'data-outcome': 'preview' },
          h('h3', {}, `${formatMonth(preview.month)}: ${preview.replaces ? 'replaces the month imported before' : 'a new month'}`),
          h(
            'p',
            { id: 'import-preview-counts' },
            countsText({ ...preview.counts, gp: preview.total_gp, commission: preview.total_commission, pct: preview.commission_pct }),
          ),
          warningList(preview.validation_warnings),
          h('p', { class: 'muted' }, 'Nothing is written until you press the button.'),
          h('div', { class: 'toolbar' }, confirm, cancel),
        ),
      );
      confirm.focus();
    } catch (error) {
      failed(error, type);
    } finally {
      zone.classList.remove('busy');
      input.value = '';
    }
  };

  const write = async (file: File, type: string) => {
    outcome.querySelectorAll('button').forEach((button) => (button.disabled = true));
    progressBox.hidden = false;
    progress.value = 0;
    zone.classList.add('busy');
    try {
      const result = await sendTo<ImportResult>('/commissions/import', file, type, 'Checking and saving…', crypto.randomUUID());
      progress.value = 100;
      progressText.textContent = 'Done.';
      // The counts as the Imported months table shows them (agents, closed deals, GP), read back
      // with it; the import's own counts when the list cannot be read.
      const row = result.month ? (await imported())?.items.find((m) => m.month === result.month) : undefined;
      const counts = row
        ? countsText({ agents: row.agents, managers: row.managers, transactions: row.transactions, gp: row.total_gp, commission: row.total_commission, pct: row.commission_pct })
        : `${plural(result.imported.agents, 'agent')}, ${plural(result.imported.managers, 'manager')}; total commission ${formatMoney(result.imported.total_commission, true)}.`;
      outcome.replaceChildren(
        h(
          'div',
          { class: 'state state-success', 'data-outcome': 'success' },
          h('h3', {}, `${result.month ? formatMonth(result.month) : 'The month'} ${result.replaced ? 'replaced' : 'imported'}`),
          h('p', { id: 'import-counts' }, counts),
          warningList(result.validation_warnings ?? []),
        ),
      );
    } catch (error) {
      failed(error, type);
    } finally {
      zone.classList.remove('busy');
    }
  };

  wireFileDrop(input, zone, (file) => void send(file));
  const templateStatus = h('p', { class: 'muted', id: 'payee-template-status', 'aria-live': 'polite' });
  const templates = h(
    'div',
    { class: 'toolbar', id: 'payee-templates' },
    h('span', { class: 'muted' }, 'Start from a template (the columns, two agents and their manager):'),
    ...payeeTemplateButtons(templateStatus),
  );
  return h('div', {}, input, zone, templates, templateStatus, progressBox, outcome);
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

function monthsTable(months: MonthList, changed: () => void): HTMLElement {
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
    { label: 'Delete', sort: () => null, text: (m) => deleteControl(formatMonth(m.month), `/commissions/${m.month}`, changed) },
  ];
  return sortableTable(columns, months.items, { id: 'months-table', caption: 'Imported months', sortBy: 0, descending: true });
}
