import type { Entitlements } from './types';

/** What a view gets each time it renders. */
export interface ViewContext {
  /** The view's tabpanel. */
  panel: HTMLElement;
  /** The shared period (analytics `period=` value). */
  period: string;
  /** Aborted when the view renders again or another view opens. */
  signal: AbortSignal;
  /** Replaces the loading indicator with the view's content (before charts are made in it). */
  mount(content: HTMLElement): void;
  /** Opens another view; `fresh` redraws it even when it is up to date (it was told what to show). */
  go(view: string, fresh?: boolean): void;
  /** Draws this view again (after a change made in it). */
  rerender(): void;
  /** Tells the app the tenant's data changed (after an import): other views refetch. */
  dataChanged(): void;
  entitlements: Entitlements;
}

export interface View {
  id: string;
  label: string;
  render(context: ViewContext): Promise<void>;
}

export const query = (period: string) => `period=${encodeURIComponent(period)}`;
