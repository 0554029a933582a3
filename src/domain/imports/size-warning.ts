/**
 * A month far smaller or larger than the tenant's others is usually the wrong file (one team's
 * sheet, a test export, two months in one): said before it is written, with the typical count.
 * Typical is the median agent count of the other months (the latest dozen); far is under half or
 * over double it, and at least 3 agents apart (a team of 4 that hires 2 is not a warning).
 */
export function sizeWarning(agents: number, otherMonths: readonly number[]): string | null {
  if (otherMonths.length === 0) return null;
  const sorted = [...otherMonths].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const typical = Math.round(sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2);
  if (Math.abs(agents - typical) < 3 || (agents * 2 >= typical && agents <= typical * 2)) return null;
  const these = agents === 1 ? '1 agent' : `${agents} agents`;
  return `This month has ${these}; your ${otherMonths.length === 1 ? 'other month has' : 'months have'} about ${typical}. Is it the whole month's file?`;
}
