// The part of jstat the tests use as an independent reference (the package ships no types).
declare module 'jstat' {
  const jstat: {
    jStat: {
      beta: { cdf(x: number, a: number, b: number): number };
      normal: { cdf(x: number, mean: number, sd: number): number; inv(p: number, mean: number, sd: number): number };
      poisson: { cdf(k: number, lambda: number): number };
    };
  };
  export default jstat;
}
