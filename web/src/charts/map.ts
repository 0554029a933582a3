/**
 * The Markets map: Plotly's geo bundle, loaded only when the Markets view opens (it is about 1.4 MB,
 * 460 KB gzipped, six times everything else together). Plotly draws the US outline from a TopoJSON
 * file it fetches from `topojsonURL` + `usa_110m.json`; the default is Plotly's CDN, so the config
 * points it at the copy the build ships in /topojson/ (see vite.config.ts): no request leaves the
 * app's origin, and the map draws offline.
 */
export const TOPOJSON_URL = '/topojson/';

export interface PlotlyModule {
  newPlot(element: HTMLElement, data: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>): Promise<unknown>;
  purge(element: HTMLElement): void;
  Plots: { resize(element: HTMLElement): void };
}

let loading: Promise<PlotlyModule> | undefined;

export function loadPlotly(): Promise<PlotlyModule> {
  loading ??= import('plotly.js-geo-dist-min').then((module) => {
    const candidate = (module as { default?: unknown }).default ?? module;
    return candidate as PlotlyModule;
  });
  // A failed load (offline before the chunk was cached, say) may be retried later.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

export const MAP_CONFIG = {
  topojsonURL: TOPOJSON_URL,
  responsive: true,
  displaylogo: false,
  // The toolbar's "edit in Chart Studio" and image export would reach out of the app.
  modeBarButtonsToRemove: ['toImage', 'sendDataToCloud'],
  scrollZoom: false,
};
