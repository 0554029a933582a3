import { setImmediate as turn } from 'node:timers/promises';
import type { Steps } from '../domain/steps.js';

/** How long a computation runs before other requests get a turn of the event loop. */
export const SLICE_MS = 20;

/**
 * Runs the steps, letting the event loop serve everything else that waits (other requests, health
 * probes) whenever a slice of `sliceMs` has been used: a cold agents view of 300 agents is seconds
 * of forecasts, and must not stall the service for that long.
 */
export async function inSlices<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await turn();
      sliceStart = performance.now();
    }
  }
}
