/**
 * Chart.js, registered piece by piece so the bundle carries only the controllers, elements, scales
 * and plugins the views use (bar, line, category and linear scales, tooltip, legend, filler for
 * the forecast band, and zoom for the timeline).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
  type Plugin,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { h } from '../dom';

/**
 * Marks the canvas once Chart.js has painted it, so tests and screenshots wait for a real frame,
 * and once a tooltip has been drawn on it (the browser tests hover every chart).
 */
const renderedMarker: Plugin = {
  id: 'cipRendered',
  afterRender(chart) {
    chart.canvas.dataset.rendered = 'true';
  },
  afterTooltipDraw(chart, args) {
    if (args.tooltip.opacity > 0 && args.tooltip.dataPoints.length > 0) chart.canvas.dataset.tooltip = 'shown';
  },
};

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
  Filler,
  zoomPlugin,
  renderedMarker,
);

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export interface Palette {
  text: string;
  muted: string;
  grid: string;
  series: string[];
  good: string;
  bad: string;
  band: string;
}

export function palette(): Palette {
  return {
    text: cssVar('--text', '#1d2433'),
    muted: cssVar('--muted', '#5b6478'),
    grid: cssVar('--grid', 'rgba(0,0,0,0.08)'),
    series: [1, 2, 3, 4, 5, 6].map((n) => cssVar(`--series-${n}`, '#3b6fe0')),
    good: cssVar('--good', '#1a8f5a'),
    bad: cssVar('--bad', '#c83a3a'),
    band: cssVar('--band', 'rgba(59,111,224,0.18)'),
  };
}

/** Theme-aware defaults; called at start and whenever the theme changes (charts are then redrawn). */
export function applyChartTheme(): void {
  const colors = palette();
  Chart.defaults.color = colors.muted;
  Chart.defaults.borderColor = colors.grid;
  Chart.defaults.font.family = cssVar('--font', 'system-ui, sans-serif');
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.tooltip.padding = 10;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  setMotion(!window.matchMedia('(prefers-reduced-motion: reduce)').matches);
}

/**
 * Motion through the durations only, never by replacing `Chart.defaults.animation`: Chart.js
 * reads the names of the animation options from that object's keys (`Animations.configure` copies
 * only `Object.keys(defaults.animation)` out of each entry of `animations`). Assigning
 * `{ duration: 600 }` dropped `type`, so the colour animation of the first hover got no
 * interpolator (`this._fn is not a function`) inside the shared animator's frame, whose pending
 * request then never cleared: every chart drawn afterwards, on any tab, stayed blank. Assigning
 * `false` leaves no keys at all, which is why reduced motion alone worked.
 */
function setMotion(on: boolean): void {
  // The type allows `false`; Chart.js's own defaults are always the object (see above).
  const animation = Chart.defaults.animation;
  if (animation) animation.duration = on ? 600 : 0;
  // The hover transition has its own duration; reduced motion stills it as well.
  const active = Chart.defaults.transitions.active;
  if (active?.animation) active.animation.duration = on ? 400 : 0;
}

const charts = new Map<Element, Set<Chart>>();

export interface ChartBox {
  element: HTMLElement;
  chart: Chart;
}

/**
 * A chart in a sized box. `points` is the number of data points drawn (written to the canvas as
 * data-points, which the browser tests compare with the API). `owner` is the view's panel, so the
 * view's charts are destroyed together before it renders again. The chart is appended to `parent`.
 */
export function makeChart<T extends ChartType>(
  owner: Element,
  parent: Element,
  label: string,
  config: ChartConfiguration<T>,
  points: number,
  options: { height?: number; id?: string } = {},
): ChartBox {
  const canvas = h('canvas', { role: 'img', 'aria-label': label, 'data-points': points, ...(options.id ? { id: options.id } : {}) });
  const element = h('div', { class: 'chart', style: `height:${options.height ?? 280}px` }, canvas);
  // In the document before Chart.js measures it.
  parent.append(element);
  const chart = new Chart(canvas, config as ChartConfiguration);
  let set = charts.get(owner);
  if (!set) {
    set = new Set();
    charts.set(owner, set);
  }
  set.add(chart);
  return { element, chart };
}

export function destroyCharts(owner: Element): void {
  for (const chart of charts.get(owner) ?? []) chart.destroy();
  charts.delete(owner);
}

export { Chart };
