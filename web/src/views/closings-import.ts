/**
 * "Import closings": the operator's deal spreadsheet (CSV or xlsx, one row per deal) as it is. The
 * month and the file first; the server guesses a column mapping from the sheet's headers (or a
 * saved mapping that fits is taken); the person confirms or edits it (field → column, beside the
 * first rows' values, and what flag cells mean); the mapping is saved by name and the server
 * previews what the import would do (rows, warnings such as a skipped totals line, errors by row
 * and column); then the import. Nothing is written before the person presses Import, except the
 * mapping they named (the preview and the import read a spreadsheet through a saved mapping).
 */
import { ApiError, apiGet, apiResponse, apiSend, upload } from '../api';
import { saveCsv } from '../csv';
import { h } from '../dom';
import { wireFileDrop } from '../file-drop';
import { formatInt, formatMoney, formatMonth, plural } from '../format';
import type { ClosingsImportResult, ClosingsPreview, ImportMapping, MappingSuggestion, SavedMapping } from '../types';
import { errorMessage, pointerList } from '../ui';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The media type the closings routes take for a file, by its name first. */
export function closingsType(file: File): 'text/csv' | typeof XLSX_TYPE | undefined {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'text/csv';
  if (name.endsWith('.xlsx') || file.type === XLSX_TYPE) return XLSX_TYPE;
  return undefined;
}

/** The fields a column can feed, in the order the mapping table lists them. */
const FIELDS: Array<[key: string, label: string]> = [
  ['gp', 'Gross profit (required)'],
  ['property', 'Property address'],
  ['date', 'Closing date'],
  ['transactions', 'Transactions (0 for a memo row)'],
  ['assignment_fee', 'Assignment fee'],
  ['market', 'Market'],
  ['id', 'Deal ID'],
  ['status', 'Status (closed or terminated)'],
  ['sides.acq.agent', 'Acquisitions agent'],
  ['sides.acq.manager', 'Acquisitions manager'],
  ['sides.acq.credit', 'Acquisitions credit (fraction)'],
  ['sides.dispo.agent', 'Dispositions agent'],
  ['sides.dispo.manager', 'Dispositions manager'],
  ['sides.dispo.credit', 'Dispositions credit (fraction)'],
];

/** Headers as the server matches them: without whitespace, case folded. */
const headerKey = (header: string) => header.replace(/[\s\u00a0\u2007\u202f]+/g, '').toLowerCase();
const MAPPING_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const domId = (key: string) => `map-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** "FlatFee Listed" → "flatfee_listed": an attribute name plans can refer to. */
export function attributeName(header: string): string {
  const words = header.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const name = /^[a-z]/.test(words) ? words : `col_${words}`;
  return name.slice(0, 64);
}

/** A mapping name from a file name ("Sept closings (final).xlsx" → "Sept closings final"). */
function nameFromFile(file: File): string {
  const base = file.name.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9 ._-]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 100);
  return MAPPING_NAME.test(base) ? base : 'Closings';
}

/** The month before today's (the month people close the books on), as YYYY-MM. */
function lastMonth(): string {
  const now = new Date();
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return date.toISOString().slice(0, 7);
}

/** A saved mapping fits a file when every column it names is among the file's headers. */
function fits(mapping: ImportMapping, headers: string[]): boolean {
  const have = new Set(headers.map(headerKey));
  const columns = Object.values(mapping.columns ?? {});
  return columns.length > 0 && columns.every((column) => have.has(headerKey(column)));
}

/** The CSV template: the columns the suggestion recognises, with a two-sided deal and a memo row. */
export function downloadClosingsTemplate(): void {
  saveCsv(
    'closings-template.csv',
    ['Deal ID', 'Closing Date', 'Property Address', 'Market', 'Gross Profit', 'Assignment Fee', 'Trx #', 'Status', 'Acq Agent', 'Acq Manager', 'Dispo Agent', 'Dispo Manager', 'FlatFee Listed'],
    [
      ['R-2025-09-017', '2025-09-30', '5118 Reno St, Philadelphia, PA 19139', 'Philadelphia, PA', '6000.00', '6000.00', 1, 'closed', 'Steve Shelburne', 'Devin Buford', 'Vincent Gnapi', 'Maegan Grace', ''],
      ['R-2025-09-018', '2025-09-12', '12 Oak Ct, Phoenix, AZ 85001', 'Phoenix, AZ', '-250.00', '', 0, 'closed', 'Steve Shelburne', 'Devin Buford', '', '', 'YES'],
    ],
  );
}

interface FileState {
  file: File;
  type: string;
  suggestion: MappingSuggestion;
}

/** What an error says to the person: the server's own words for an unreadable file. */
function problemText(error: unknown): string {
  if (error instanceof ApiError && (error.status === 415 || error.status === 422) && typeof error.problem.detail === 'string') return error.problem.detail;
  return errorMessage(error);
}

function errorBox(title: string, error: unknown, extra?: Node | null): HTMLElement {
  const pointers = error instanceof ApiError ? error.pointers : [];
  return h(
    'div',
    { class: 'state state-error', role: 'alert', 'data-outcome': 'error' },
    h('h4', {}, title),
    h('p', {}, problemText(error)),
    pointers.length ? pointerList(pointers) : null,
    extra ?? null,
  );
}

/**
 * The whole flow in one element. `imported` runs after a successful import (the view refreshes its
 * tables and tells the app the data changed).
 */
export function closingsImport(imported: () => void): HTMLElement {
  const month = h('input', { type: 'month', id: 'closings-month', value: lastMonth(), required: true, min: '2000-01', max: '2100-12' });
  const input = h('input', { type: 'file', id: 'closings-file', accept: `.csv,.xlsx,text/csv,${XLSX_TYPE}`, class: 'visually-hidden' });
  const zone = h(
    'label',
    { class: 'dropzone', for: 'closings-file', id: 'closings-dropzone' },
    h('span', { class: 'dropzone-icon', 'aria-hidden': 'true' }, '⇪'),
    h('strong', {}, 'Drop your closings spreadsheet here (CSV or xlsx)'),
    h('span', { class: 'muted' }, 'or choose it — one row per deal, as your sheet or CRM has it; nothing is imported before you confirm'),
  );
  const stepHost = h('div', { id: 'closings-steps', 'aria-live': 'polite' });
  let charset: string | undefined;
  let current: FileState | undefined;

  const contentType = (state: FileState) => (state.type === 'text/csv' && charset ? `text/csv; charset=${charset}` : state.type);

  const suggest = async (file: File, type: string, sheet?: string) => {
    const query = sheet ? `?sheet=${encodeURIComponent(sheet)}` : '';
    const response = await apiResponse(`/import-mappings/suggest${query}`, { method: 'POST', body: file, headers: { 'content-type': type === 'text/csv' && charset ? `text/csv; charset=${charset}` : type } });
    return (await response.json()) as MappingSuggestion;
  };

  const start = async (file: File, sheet?: string) => {
    const type = closingsType(file);
    stepHost.replaceChildren();
    if (!type) {
      stepHost.append(h('div', { class: 'state state-error', role: 'alert' }, h('p', {}, `“${file.name}” is not a .csv or .xlsx file. Save the sheet as CSV or Excel workbook and drop it again.`)));
      return;
    }
    zone.classList.add('busy');
    stepHost.append(h('p', { class: 'muted', role: 'status' }, `Reading the headers of ${file.name}…`));
    try {
      const [suggestion, saved] = await Promise.all([
        suggest(file, type, sheet),
        apiGet<{ items: SavedMapping[] }>('/import-mappings').then((list) => list.items, () => [] as SavedMapping[]),
      ]);
      current = { file, type, suggestion };
      stepHost.replaceChildren(mappingStep(current, saved));
      stepHost.querySelector<HTMLElement>('#closings-mapping h3')?.focus();
    } catch (error) {
      const retry =
        error instanceof ApiError && error.status === 415 && type === 'text/csv' && !charset && /byte 0x/i.test(String(error.problem.detail ?? ''))
          ? h(
              'button',
              {
                type: 'button',
                class: 'button secondary',
                onclick: () => {
                  charset = 'windows-1252';
                  void start(file, sheet);
                },
              },
              'Read it as Windows-1252 (Excel on Windows)',
            )
          : null;
      stepHost.replaceChildren(errorBox('This file cannot be read', error, retry));
    } finally {
      zone.classList.remove('busy');
      input.value = '';
    }
  };

  /** Step 2: the mapping, editable; then save it and preview. */
  const mappingStep = (state: FileState, saved: SavedMapping[]): HTMLElement => {
    const { suggestion } = state;
    const fitting = saved.find((item) => fits(item.mapping, suggestion.headers));
    let mapping: ImportMapping = structuredClone(fitting?.mapping ?? suggestion.mapping);
    let attributes = Object.keys(mapping.columns).filter((key) => key.startsWith('attributes.'));

    const nameInput = h('input', { type: 'text', id: 'closings-mapping-name', value: fitting?.name ?? nameFromFile(state.file), maxlength: 100, required: true, pattern: '[A-Za-z0-9][A-Za-z0-9 ._\\-]{0,99}', autocomplete: 'off' });
    const savedSelect = h(
      'select',
      { id: 'closings-mapping-saved' },
      h('option', { value: '' }, 'Suggested from this file’s headers'),
      ...saved.map((item) => h('option', { value: item.name, selected: item === fitting }, `Saved: ${item.name}${fits(item.mapping, suggestion.headers) ? '' : ' (some columns are not in this file)'}`)),
    );
    const editorHost = h('div', {});
    const status = h('div', { id: 'closings-preview-host' });

    const column = (index: number) => suggestion.rows.map((row) => row[index] ?? '').filter((text) => text !== '');
    const samplesOf = (header: string | undefined) => {
      if (!header) return [];
      const index = suggestion.headers.findIndex((candidate) => headerKey(candidate) === headerKey(header));
      return index < 0 ? [] : column(index);
    };

    const columnSelect = (key: string, labelledBy?: string) => {
      const chosen = mapping.columns[key];
      const known = chosen !== undefined && suggestion.headers.some((header) => headerKey(header) === headerKey(chosen));
      const select = h(
        'select',
        { id: domId(key), 'data-field': key, ...(labelledBy ? { 'aria-labelledby': labelledBy } : {}) },
        h('option', { value: '' }, key === 'gp' ? '— choose the column —' : '— not in this file —'),
        ...suggestion.headers
          .filter((header) => header.trim() !== '')
          .map((header) => h('option', { value: header, selected: chosen !== undefined && headerKey(header) === headerKey(chosen) }, header)),
        chosen !== undefined && !known ? h('option', { value: chosen, selected: true }, `${chosen} (not in this file)`) : null,
      );
      select.addEventListener('change', () => {
        if (select.value) mapping.columns[key] = select.value;
        else delete mapping.columns[key];
        draw();
      });
      return select;
    };

    const samplesCell = (key: string) => {
      const values = samplesOf(mapping.columns[key]);
      return h('td', { class: 'samples' }, values.length ? values.slice(0, 3).join(' · ') : h('span', { class: 'muted' }, '—'));
    };

    const fieldRow = (key: string, label: string) =>
      h('tr', {}, h('th', { scope: 'row' }, h('label', { for: domId(key) }, label)), h('td', {}, columnSelect(key)), samplesCell(key));

    /** What the cells of a flag column mean: "YES" → yes, anything else → no. */
    const valuesEditor = (key: string) => {
      const name = key.slice('attributes.'.length);
      const values = (mapping.values ??= {});
      const entries = Object.entries(values[key] ?? {}).filter(([text]) => text !== '*');
      const other = values[key]?.['*'];
      const store = (next: Array<[string, string | number | boolean | null]>, otherValue: string | number | boolean | null | undefined) => {
        const map = Object.fromEntries(next.filter(([text]) => text.trim() !== ''));
        if (otherValue !== undefined) map['*'] = otherValue;
        if (Object.keys(map).length === 0) delete values[key];
        else values[key] = map;
      };
      const meaning = (value: string | number | boolean | null | undefined, id: string, label: string, allowAsWritten: boolean) => {
        const select = h(
          'select',
          { id, 'aria-label': label },
          allowAsWritten ? h('option', { value: 'keep', selected: value === undefined }, 'the text as written') : null,
          h('option', { value: 'true', selected: value === true }, 'yes (true)'),
          h('option', { value: 'false', selected: value === false }, 'no (false)'),
          value !== undefined && typeof value !== 'boolean' ? h('option', { value: 'other', selected: true }, `“${String(value)}”`) : null,
        );
        return select;
      };
      const decode = (select: HTMLSelectElement, previous: string | number | boolean | null | undefined) =>
        select.value === 'true' ? true : select.value === 'false' ? false : select.value === 'keep' ? undefined : previous;
      const rows = entries.map(([text, value], index) => {
        const textInput = h('input', { type: 'text', value: text, 'aria-label': `${name}: cell text ${index + 1}`, class: 'value-text' });
        const select = meaning(value, `${domId(key)}-value-${index}`, `${name}: what “${text}” means`, false);
        const remove = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Remove the translation of “${text}”` }, 'Remove');
        return { textInput, select, remove, value };
      });
      const otherSelect = meaning(other, `${domId(key)}-value-other`, `${name}: what any other cell means`, true);
      const save = () =>
        store(
          rows.map((row): [string, string | number | boolean | null] => [row.textInput.value, decode(row.select, row.value) ?? row.value]),
          decode(otherSelect, other),
        );
      for (const row of rows) {
        row.textInput.addEventListener('change', save);
        row.select.addEventListener('change', save);
        row.remove.addEventListener('click', () => {
          rows.splice(rows.indexOf(row), 1);
          save();
          draw();
        });
      }
      otherSelect.addEventListener('change', save);
      const add = h('button', { type: 'button', class: 'button secondary small' }, 'Add a value');
      add.addEventListener('click', () => {
        save();
        const seen = samplesOf(mapping.columns[key]).find((text) => !Object.keys(values[key] ?? {}).some((known) => known.toLowerCase() === text.toLowerCase()));
        values[key] = { ...(values[key] ?? {}), [seen ?? 'YES']: true };
        draw();
      });
      return h(
        'fieldset',
        { class: 'values', 'data-values': key },
        h('legend', {}, `What the cells of “${mapping.columns[key] ?? name}” mean (${name})`),
        ...rows.map((row) => h('div', { class: 'value-row' }, row.textInput, h('span', { 'aria-hidden': 'true' }, '→'), row.select, row.remove)),
        h('div', { class: 'value-row' }, h('label', { for: otherSelect.id }, 'Any other cell, blank included →'), otherSelect),
        add,
      );
    };

    /** Names in the agent columns that mean the house (no payee). */
    const houseEditor = () => {
      const values = (mapping.values ??= {});
      const agents = values.agents ?? {};
      const house = Object.entries(agents).filter(([, value]) => value === null).map(([text]) => text);
      const field = h('input', { type: 'text', id: 'closings-house', value: house.join(', '), placeholder: 'House, Company' });
      field.addEventListener('change', () => {
        const kept = Object.entries(agents).filter(([, value]) => value !== null);
        const names = field.value.split(',').map((text) => text.trim()).filter(Boolean);
        const next = Object.fromEntries([...kept, ...names.map((name): [string, null] => [name, null])]);
        if (Object.keys(next).length === 0) delete values.agents;
        else values.agents = next;
      });
      return h('label', { class: 'field', for: 'closings-house' }, 'Names in the agent columns that mean the house (no payee), separated by commas', field);
    };

    const addAttribute = () => {
      const used = new Set(Object.values(mapping.columns).map(headerKey));
      const free = suggestion.headers.filter((header) => header.trim() !== '' && !used.has(headerKey(header)));
      if (free.length === 0) return null;
      const select = h('select', { id: 'closings-attribute-column' }, ...free.map((header) => h('option', { value: header }, header)));
      const button = h('button', { type: 'button', class: 'button secondary', id: 'closings-attribute-add' }, 'Add as a deal attribute');
      button.addEventListener('click', () => {
        let name = attributeName(select.value);
        while (mapping.columns[`attributes.${name}`] !== undefined) name = `${name}_2`.slice(0, 64);
        if (!ATTRIBUTE_NAME.test(name)) return;
        mapping.columns[`attributes.${name}`] = select.value;
        attributes = [...attributes, `attributes.${name}`];
        draw();
      });
      return h(
        'div',
        { class: 'toolbar' },
        h('label', { class: 'field', for: 'closings-attribute-column' }, 'Another column plans may rate by', select),
        button,
      );
    };

    const draw = () => {
      attributes = [...new Set([...attributes, ...Object.keys(mapping.columns).filter((key) => key.startsWith('attributes.'))])].filter((key) => key in mapping.columns);
      const table = h(
        'table',
        { class: 'table mapping-table', id: 'closings-mapping-table' },
        h('caption', { class: 'visually-hidden' }, 'Which column of the file feeds each closing field'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Column of your file'), h('th', { scope: 'col' }, 'First rows'))),
        h(
          'tbody',
          {},
          ...FIELDS.map(([key, label]) => fieldRow(key, label)),
          ...attributes.map((key) => {
            const remove = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Remove the attribute ${key.slice(11)}` }, 'Remove');
            remove.addEventListener('click', () => {
              delete mapping.columns[key];
              if (mapping.values) delete mapping.values[key];
              attributes = attributes.filter((other) => other !== key);
              draw();
            });
            return h(
              'tr',
              {},
              h('th', { scope: 'row' }, h('label', { for: domId(key) }, `Attribute: ${key.slice(11)}`), ' ', remove),
              h('td', {}, columnSelect(key)),
              samplesCell(key),
            );
          }),
        ),
      );
      editorHost.replaceChildren(h('div', { class: 'table-wrap' }, table), ...attributes.map(valuesEditor), houseEditor());
      const another = addAttribute();
      if (another) editorHost.append(another);
    };

    savedSelect.addEventListener('change', () => {
      const chosen = saved.find((item) => item.name === savedSelect.value);
      mapping = structuredClone(chosen?.mapping ?? suggestion.mapping);
      attributes = [];
      if (chosen) nameInput.value = chosen.name;
      status.replaceChildren();
      draw();
    });

    const sheetPicker =
      suggestion.sheets.length > 1
        ? (() => {
            const select = h('select', { id: 'closings-sheet' }, ...suggestion.sheets.map((sheet) => h('option', { value: sheet, selected: sheet === suggestion.sheet }, sheet)));
            select.addEventListener('change', () => void start(state.file, select.value));
            return h('label', { class: 'field', for: 'closings-sheet' }, 'Sheet', select);
          })()
        : null;

    const previewButton = h('button', { type: 'button', class: 'button', id: 'closings-preview' }, 'Save the mapping and preview');
    previewButton.addEventListener('click', () => void preview());

    const preview = async () => {
      const name = nameInput.value.trim();
      status.replaceChildren();
      if (!MAPPING_NAME.test(name)) {
        status.append(h('p', { class: 'error', role: 'alert' }, 'Give the mapping a name: letters, digits, spaces, “.”, “_” or “-” (up to 100).'));
        nameInput.focus();
        return;
      }
      if (!mapping.columns.gp) {
        status.append(h('p', { class: 'error', role: 'alert' }, 'Choose the column that holds each deal’s gross profit.'));
        document.getElementById(domId('gp'))?.focus();
        return;
      }
      if (!/^\d{4}-\d{2}$/.test(month.value)) {
        status.append(h('p', { class: 'error', role: 'alert' }, 'Choose the month the file holds.'));
        month.focus();
        return;
      }
      const body: ImportMapping = { ...mapping, ...(suggestion.sheet && suggestion.sheets.length > 1 ? { sheet: suggestion.sheet } : {}) };
      previewButton.disabled = true;
      status.append(h('p', { class: 'muted', role: 'status' }, 'Saving the mapping and reading the file…'));
      try {
        await apiSend('PUT', `/import-mappings/${encodeURIComponent(name)}`, body);
        const target = `month=${encodeURIComponent(month.value)}&mapping=${encodeURIComponent(name)}`;
        const response = await apiResponse(`/closings/preview?${target}`, { method: 'POST', body: state.file, headers: { 'content-type': contentType(state) } });
        const result = (await response.json()) as ClosingsPreview;
        status.replaceChildren(previewStep(state, result, name, month.value));
        status.querySelector<HTMLElement>('#closings-preview-result h3')?.focus();
      } catch (error) {
        status.replaceChildren(errorBox(error instanceof ApiError && error.pointers.some((p) => p.pointer.startsWith('/columns') || p.pointer.startsWith('/values')) ? 'The mapping was not saved' : 'The file could not be previewed', error));
      } finally {
        previewButton.disabled = false;
      }
    };

    draw();
    const unmapped = suggestion.unmapped.length ? h('p', { class: 'muted small' }, `Columns no field takes: ${suggestion.unmapped.join(', ')}.`) : null;
    return h(
      'div',
      { id: 'closings-mapping', class: 'step' },
      h('h3', { tabindex: '-1' }, `2. Columns of ${state.file.name}`),
      h('p', { class: 'muted' }, fitting ? `Your saved mapping “${fitting.name}” fits this file’s headers. Check it and preview.` : `Suggested from the headers on row ${suggestion.header_row}. Check each field against the first rows, change what is wrong, then preview.`),
      h('div', { class: 'fields' }, sheetPicker, h('label', { class: 'field', for: 'closings-mapping-saved' }, 'Mapping', savedSelect)),
      editorHost,
      unmapped,
      h('div', { class: 'toolbar' }, h('label', { class: 'field', for: 'closings-mapping-name' }, 'Save the mapping as', nameInput), previewButton),
      status,
    );
  };

  /** Step 3: what the import would do, and the button that does it. */
  const previewStep = (state: FileState, preview: ClosingsPreview, mappingName: string, target: string): HTMLElement => {
    const outcome = h('div', { id: 'closings-outcome', 'aria-live': 'polite' });
    const rowOf = (pointer: string) => {
      const index = /^\/closings\/(\d+)/.exec(pointer)?.[1];
      const row = index === undefined ? undefined : preview.rows.find((r) => r.index === Number(index))?.row;
      return row ? `row ${row}: ` : '';
    };
    const errors = preview.errors.length
      ? h(
          'div',
          { class: 'state state-error', role: 'alert', id: 'closings-errors' },
          h('h4', {}, `${plural(preview.errors.length, 'error')}: nothing can be imported yet`),
          h('p', {}, 'Fix these in the file (or the columns above) and preview again:'),
          h('ul', { class: 'pointers' }, ...preview.errors.slice(0, 50).map((e) => h('li', {}, `${/^row \d+/.test(e.message) ? '' : rowOf(e.pointer)}${e.message}`, ' ', h('code', {}, e.pointer)))),
        )
      : null;
    const warnings = preview.warnings.length
      ? h('div', {}, h('h4', {}, plural(preview.warnings.length, 'warning')), h('ul', { class: 'warnings', id: 'closings-warnings' }, ...preview.warnings.map((w) => h('li', {}, w))))
      : h('p', { class: 'muted' }, 'No warnings.');
    const importButton = h('button', { type: 'button', class: 'button', id: 'closings-import', disabled: !preview.valid }, `Import ${plural(preview.counts.closings, 'closing')} into ${formatMonth(target)}`);
    importButton.addEventListener('click', async () => {
      importButton.disabled = true;
      outcome.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Importing…'));
      try {
        const result = await upload<ClosingsImportResult>(`/closings/import?month=${encodeURIComponent(target)}&mapping=${encodeURIComponent(mappingName)}`, state.file, {
          contentType: state.type === 'text/csv' && charset ? `text/csv; charset=${charset}` : state.type,
          idempotencyKey: crypto.randomUUID(),
          onProgress: () => {},
        });
        const list = result.validation_warnings;
        outcome.replaceChildren(
          h(
            'div',
            { class: 'state state-success', 'data-outcome': 'success' },
            h('h4', {}, `${formatMonth(result.month)} ${result.replaced ? 'replaced' : 'imported'}`),
            h(
              'p',
              {},
              `${plural(result.imported.closings, 'closing')}, ${plural(result.imported.sides, 'side')}; company GP `,
              h('strong', { id: 'closings-imported-gp' }, formatMoney(result.imported.company_gp, true)),
              `, ${plural(result.imported.company_transactions, 'transaction')}. Pay is worked out when the month’s payouts are calculated.`,
            ),
            list.length ? h('div', {}, h('h5', {}, plural(list.length, 'warning')), h('ul', { class: 'warnings' }, ...list.map((w) => h('li', {}, w)))) : h('p', { class: 'muted' }, 'No warnings.'),
          ),
        );
        imported();
      } catch (error) {
        importButton.disabled = false;
        outcome.replaceChildren(errorBox('Nothing was imported', error));
      }
    });
    return h(
      'div',
      { id: 'closings-preview-result', class: 'step', 'data-valid': String(preview.valid) },
      h('h3', { tabindex: '-1' }, `3. Preview of ${formatMonth(target)}`),
      h(
        'dl',
        { class: 'preview-figures' },
        h('div', {}, h('dt', {}, 'Closings'), h('dd', { id: 'closings-preview-count' }, formatInt(preview.counts.closings))),
        h('div', {}, h('dt', {}, 'Closed / terminated'), h('dd', {}, `${formatInt(preview.counts.closed)} / ${formatInt(preview.counts.terminated)}`)),
        h('div', {}, h('dt', {}, 'Company GP'), h('dd', { id: 'closings-preview-gp' }, formatMoney(preview.company_gp, true))),
        h('div', {}, h('dt', {}, 'Transactions'), h('dd', {}, formatInt(preview.company_transactions))),
      ),
      errors,
      warnings,
      previewTable(preview),
      h('div', { class: 'toolbar' }, importButton, preview.valid ? null : h('span', { class: 'muted' }, 'Import is possible once there are no errors.')),
      outcome,
    );
  };

  wireFileDrop(input, zone, (file) => {
    charset = undefined;
    void start(file);
  });
  const template = h('button', { type: 'button', class: 'button secondary small', id: 'closings-template', onclick: downloadClosingsTemplate }, 'Download a CSV template');
  return h(
    'div',
    { id: 'closings-flow' },
    h(
      'div',
      { class: 'step' },
      h('h3', {}, '1. Month and file'),
      h('div', { class: 'toolbar' }, h('label', { class: 'field', for: 'closings-month' }, 'Month the file holds', month), template),
      input,
      zone,
    ),
    stepHost,
  );
}

/** The first rows as the server read them: what each field became. */
function previewTable(preview: ClosingsPreview): HTMLElement | null {
  if (preview.rows.length === 0) return null;
  interface Side { role: string; agent: string | null; manager?: string | null }
  interface Row { property?: string; date?: string; gp?: number; transactions?: number; status?: string; attributes?: Record<string, unknown>; sides?: Side[] }
  const side = (closing: Row, role: string) => {
    const found = closing.sides?.find((s) => s.role === role);
    if (!found) return '—';
    const agent = found.agent === null ? 'House' : found.agent;
    return found.manager ? `${agent} (${found.manager})` : agent;
  };
  const body = preview.rows.map(({ row, index, closing }) => {
    const c = (closing ?? {}) as Row;
    const attributes = Object.entries(c.attributes ?? {}).map(([key, value]) => `${key}: ${String(value)}`).join(', ');
    return h(
      'tr',
      {},
      h('td', { class: 'num' }, String(row ?? index + 1)),
      h('td', {}, c.property ?? '—'),
      h('td', {}, c.date ?? '—'),
      h('td', { class: 'num' }, typeof c.gp === 'number' ? formatMoney(c.gp, true) : '—'),
      h('td', { class: 'num' }, c.transactions === undefined ? '1' : String(c.transactions)),
      h('td', {}, side(c, 'acq')),
      h('td', {}, side(c, 'dispo')),
      h('td', {}, attributes || '—'),
    );
  });
  const shown = preview.rows.length < preview.counts.closings ? ` (the first ${preview.rows.length} of ${preview.counts.closings})` : '';
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Closings as read' },
    h(
      'table',
      { class: 'table', id: 'closings-preview-rows' },
      h('caption', {}, `Closings as read${shown}`),
      h(
        'thead',
        {},
        h('tr', {}, ...['Row', 'Property', 'Date', 'GP', 'Trx', 'Acq (manager)', 'Dispo (manager)', 'Attributes'].map((label, i) => h('th', { scope: 'col', class: i === 0 || i === 3 || i === 4 ? 'num' : null }, label))),
      ),
      h('tbody', {}, ...body),
    ),
  );
}
