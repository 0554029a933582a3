/** The period picker, shared by every view: one value, kept for the browser, announced on change. */
import { h } from './dom';
import type { MonthSummary } from './types';

const KEY = 'cip.period';
const FIXED: Array<[string, string]> = [
  ['last_12m', 'Last 12 months'],
  ['ytd', 'Year to date'],
  ['qtd', 'Quarter to date'],
  ['mtd', 'Latest month'],
  ['all', 'All time'],
];

type Listener = (period: string) => void;

export class PeriodPicker {
  private listeners = new Set<Listener>();
  private value: string;

  constructor(private readonly select: HTMLSelectElement) {
    this.value = localStorage.getItem(KEY) ?? 'last_12m';
    this.fill([]);
    select.addEventListener('change', () => this.set(select.value));
  }

  get current(): string {
    return this.value;
  }

  /** Options: the fixed periods, then each year with data, newest first. */
  fill(months: MonthSummary[]): void {
    const years = [...new Set(months.map((m) => m.month.slice(0, 4)))].sort().reverse();
    const options = [...FIXED, ...years.map((year): [string, string] => [year, `Year ${year}`])];
    if (!options.some(([value]) => value === this.value)) this.value = 'last_12m';
    this.select.replaceChildren(...options.map(([value, label]) => h('option', { value, selected: value === this.value }, label)));
    this.select.value = this.value;
    this.select.disabled = false;
  }

  set(value: string): void {
    if (value === this.value) return;
    this.value = value;
    localStorage.setItem(KEY, value);
    this.select.value = value;
    for (const listener of this.listeners) listener(value);
  }

  onChange(listener: Listener): void {
    this.listeners.add(listener);
  }
}
