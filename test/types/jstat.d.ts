// The part of jstat the tests use as an independent reference (the package ships no types).
declare module 'jstat' {
  const jstat: { jStat: { beta: { cdf(x: number, a: number, b: number): number } } };
  export default jstat;
}
