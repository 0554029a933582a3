/**
 * Long computations of the domain as steps: a generator that yields between units of work (an
 * agent's forecast) and returns the result. The domain stays synchronous and free of I/O; the
 * caller decides whether to run it straight through (`runSteps`) or to give the event loop a turn
 * between slices of it (src/services/steps-in-slices.ts).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to the end, at once. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
