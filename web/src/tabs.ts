/**
 * WAI-ARIA tabs: a tablist of buttons, one tabpanel each; arrows move between tabs and activate
 * them (automatic activation), Home and End jump to the ends, only the selected tab is in the Tab order.
 */
import { h } from './dom';

export interface TabSpec {
  id: string;
  label: string;
}

export class Tabs {
  readonly panels = new Map<string, HTMLElement>();
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private selected: string | undefined;

  constructor(
    private readonly list: HTMLElement,
    container: HTMLElement,
    private readonly specs: TabSpec[],
    private readonly onSelect: (id: string) => void,
  ) {
    for (const spec of specs) {
      const button = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `tab-${spec.id}`,
          'aria-controls': `panel-${spec.id}`,
          'aria-selected': 'false',
          tabindex: '-1',
          'data-view': spec.id,
        },
        spec.label,
      );
      button.addEventListener('click', () => this.select(spec.id));
      button.addEventListener('keydown', (event) => this.onKey(event, spec.id));
      const panel = h('section', {
        role: 'tabpanel',
        id: `panel-${spec.id}`,
        'aria-labelledby': `tab-${spec.id}`,
        class: 'panel',
        tabindex: '0',
        hidden: true,
        'data-view': spec.id,
      });
      list.append(button);
      container.append(panel);
      this.buttons.set(spec.id, button);
      this.panels.set(spec.id, panel);
    }
    list.hidden = false;
    // The bar scrolls on narrow screens: its nav says on which side tabs are hidden (CSS draws a
    // fade with an arrow there).
    const hint = () => {
      const more: string[] = [];
      if (list.scrollLeft > 2) more.push('left');
      if (list.scrollLeft + list.clientWidth < list.scrollWidth - 2) more.push('right');
      if (list.parentElement) list.parentElement.dataset.more = more.join(' ');
    };
    list.addEventListener('scroll', hint, { passive: true });
    window.addEventListener('resize', hint);
    hint();
  }

  get current(): string | undefined {
    return this.selected;
  }

  has(id: string): boolean {
    return this.buttons.has(id);
  }

  select(id: string, focus = false): void {
    if (!this.buttons.has(id)) return;
    const changed = id !== this.selected;
    this.selected = id;
    for (const [key, button] of this.buttons) {
      const on = key === id;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      this.panels.get(key)!.hidden = !on;
    }
    const button = this.buttons.get(id)!;
    if (focus) button.focus();
    button.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    if (changed) this.onSelect(id);
  }

  private onKey(event: KeyboardEvent, id: string): void {
    const index = this.specs.findIndex((spec) => spec.id === id);
    const last = this.specs.length - 1;
    let next: number | undefined;
    if (event.key === 'ArrowRight') next = index === last ? 0 : index + 1;
    else if (event.key === 'ArrowLeft') next = index === 0 ? last : index - 1;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = last;
    if (next === undefined) return;
    event.preventDefault();
    this.select(this.specs[next]!.id, true);
  }
}
