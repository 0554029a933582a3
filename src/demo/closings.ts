/**
 * The demo tenant as closings (CONTRACT.md, "A closing"): 24 months, 2023-10 .. 2025-09, one row
 * per deal as an operator's deal spreadsheet has it, paid by the stored plans of ./plans.ts.
 *
 * The story is the payee-level demo's (./generate.ts: the same roster, names, 20 markets, season
 * and upward trend), told the way deals really happen:
 * - acquisition agents source the deals; each closed deal has an acq side (the agent and their
 *   manager) and a dispo side (a disposition agent, most often of the same team, and their
 *   manager). Both sides are credited the deal's full GP; company GP counts each deal once.
 * - one manager is a team lead who also closes acquisition deals herself ({@link DEMO_TEAM_LEAD});
 *   another now and then takes the disposition side of a deal himself ({@link DEMO_MANAGER_ON_DISPO}).
 * - about one deal in five is listed for a flat fee (`flat_fee`), about one in ten is not eligible
 *   for the team lead's override (`tl_eligible: false`); a few are sold by the house (dispo agent
 *   null); each month has a memo row or two (a fee corrected after the close: GP, 0 transactions).
 * - a deal's market is where its property is: mostly its acquisition agent's market, but the
 *   agents of three regions also source deals in a neighbouring market that has only disposition
 *   agents of its own ({@link SECOND_MARKETS}), so all 20 markets have deals.
 * - terminated deals keep the GP they would have produced (so "GP lost to terminations" can be
 *   shown) and only the acquisition side; three acquisition agents lose far more than the others.
 * - adjustments: a weekly-sprint prize each month, and the top-up of {@link DEMO_DRAW_AGENT}'s
 *   guaranteed minimum ({@link DEMO_GUARANTEED_MINIMUM}) to what the plans pay her.
 *
 * September 2025 is calibrated so that the plans pay exactly the CONTRACT.md figures (company GP
 * 682,043.00, 59 transactions, commission 97,539.31 = 14.3%): see {@link calibrateSeptember}.
 * Deterministic (seeded, no clock, no Math.random): every call returns equal data.
 */
import type { Adjustment, Closing, ClosingsMonth } from '../domain/closings/closing.js';
import { calculatePayouts, type Payout } from '../domain/payouts/calculate-payouts.js';
import { toAmount } from '../domain/money.js';
import {
  DEMO_MONTHS,
  DEMO_ROSTER,
  DEMO_SEASON,
  DEMO_SEED,
  DEMO_SEPTEMBER_TARGET,
  MIN_DEAL_GP_CENTS,
  daysIn,
  dealCount,
  proportionalCents,
  standardNormal,
} from './generate.js';
import {
  DEMO_DRAW_AGENT,
  DEMO_GUARANTEED_MINIMUM,
  DEMO_MANAGER_ON_DISPO,
  DEMO_TEAM_LEAD,
  demoPlansInForce,
} from './plans.js';
import { seededRandom } from './seeded-random.js';

export { DEMO_DRAW_AGENT, DEMO_GRANDFATHERED_AGENT, DEMO_MANAGER_ON_DISPO, DEMO_TEAM_LEAD } from './plans.js';

/** Who sources deals: the acquisition agents of the roster, and the team lead. */
interface Source {
  name: string;
  manager: string | null;
  /** Whose dispo agents usually take the deal. */
  team: string;
  market: string;
  attempts: number;
  dealGp: number;
  terminationRate: number;
  first: number;
  last: number;
}

/**
 * Markets where acquisition agents of the region also source deals, with the share of their deals
 * there: Jacksonville, Columbus and St. Louis have disposition agents only. Drawn from a random
 * stream of their own, so deals, GP and pay are the same as with every deal in the agent's market.
 */
const SECOND_MARKETS: Readonly<Record<string, { market: string; share: number }>> = {
  'Tampa, FL': { market: 'Jacksonville, FL', share: 0.2 },
  'Orlando, FL': { market: 'Jacksonville, FL', share: 0.2 },
  'Indianapolis, IN': { market: 'Columbus, OH', share: 0.3 },
  'Cleveland, OH': { market: 'Columbus, OH', share: 0.15 },
  'Kansas City, MO': { market: 'St. Louis, MO', share: 0.3 },
};

/** Acquisition agents source every deal: their expected attempts are those of ./generate.ts, scaled up. */
const ACQ_VOLUME = 1.55;

const SOURCES: readonly Source[] = [
  ...DEMO_ROSTER.filter((member) => member.type === 'acq').map((member) => ({
    name: member.name,
    manager: member.manager,
    team: member.manager,
    market: member.market,
    attempts: member.attempts * ACQ_VOLUME,
    dealGp: member.dealGp,
    terminationRate: member.terminationRate,
    first: member.first,
    last: member.last,
  })),
  // Her own deals have no manager above her on the sheet.
  { name: DEMO_TEAM_LEAD, manager: null, team: DEMO_TEAM_LEAD, market: 'Atlanta, GA', attempts: 1.4, dealGp: 12000, terminationRate: 0.05, first: 0, last: DEMO_MONTHS.length - 1 },
];

const DISPO_AGENTS = DEMO_ROSTER.filter((member) => member.type === 'dispo');

const STREETS = ['Maple', 'Oak', 'Cedar', 'Reno', 'Pine', 'Walnut', 'Elm', 'Chestnut', 'Willow', 'Hickory', 'Magnolia', 'Juniper', 'Sycamore', 'Laurel', 'Aspen', 'Birch'] as const;
const SUFFIXES = ['St', 'Ave', 'Dr', 'Ln', 'Ct', 'Blvd', 'Way', 'Pl'] as const;

interface DraftClosing {
  seq: number;
  source: Source;
  day: number;
  gpCents: number;
  status: 'closed' | 'terminated';
  /** 0 for a memo row. */
  transactions: number;
  dispo: { agent: string | null; manager: string | null } | null;
  /** Where the property is. */
  market: string;
  flatFee: boolean;
  tlEligible: boolean;
  exit: 'Assignment' | 'Double close';
  property: string;
  /** A memo row: the seq of the deal it corrects. */
  memoOf: number | null;
}

interface DraftMonth {
  index: number;
  month: string;
  closings: DraftClosing[];
  sprintWinner: string;
}

const pickWeighted = <T extends { attempts: number }>(random: () => number, options: readonly T[]): T => {
  let pick = random() * options.reduce((sum, option) => sum + option.attempts, 0);
  return options.find((option) => (pick -= option.attempts) < 0) ?? options[options.length - 1]!;
};

function address(random: () => number, market: string): string {
  const number = 100 + Math.floor(random() * 9800);
  const street = STREETS[Math.floor(random() * STREETS.length)]!;
  const suffix = SUFFIXES[Math.floor(random() * SUFFIXES.length)]!;
  return `${number} ${street} ${suffix}, ${market}`;
}

function draftMonth(index: number): DraftMonth {
  const month = DEMO_MONTHS[index]!;
  const random = seededRandom(DEMO_SEED ^ Math.imul(index + 1, 0x85ebca6b));
  const volume = DEMO_SEASON[Number(month.slice(5)) - 1]! * (1 + 0.012 * index);
  const gpTrend = 1 + 0.004 * index;
  const days = daysIn(month);
  const active = <T extends { first: number; last: number }>(list: readonly T[]) => list.filter((member) => member.first <= index && index <= member.last);
  const sources = active(SOURCES);
  const dispoAgents = active(DISPO_AGENTS);
  const closings: DraftClosing[] = [];
  const places = seededRandom(DEMO_SEED ^ Math.imul(index + 1, 0x27d4eb2d));
  const marketOf = (source: Source) => {
    const second = SECOND_MARKETS[source.market];
    return second && places() < second.share ? second.market : source.market;
  };

  const dispoFor = (source: Source): DraftClosing['dispo'] => {
    if (random() < 0.05) return { agent: null, manager: null };
    if (source.team === DEMO_MANAGER_ON_DISPO && random() < 0.15) return { agent: DEMO_MANAGER_ON_DISPO, manager: DEMO_MANAGER_ON_DISPO };
    const team = dispoAgents.filter((member) => member.manager === source.team);
    const pool = team.length > 0 && random() < 0.65 ? team : dispoAgents;
    const chosen = pickWeighted(random, pool);
    return { agent: chosen.name, manager: chosen.manager };
  };

  for (const source of sources) {
    const attempts = dealCount(random, source.attempts * volume);
    for (let n = 0; n < attempts; n += 1) {
      const status = random() < source.terminationRate ? 'terminated' : 'closed';
      const dollars = Math.round(source.dealGp * gpTrend * Math.exp(0.32 * standardNormal(random) - 0.05));
      const dispo = dispoFor(source);
      const market = marketOf(source);
      closings.push({
        seq: closings.length,
        source,
        day: 1 + Math.floor(random() * days),
        gpCents: Math.max(MIN_DEAL_GP_CENTS, dollars * 100),
        status,
        transactions: 1,
        dispo: status === 'terminated' ? null : dispo,
        market,
        flatFee: random() < 0.22,
        tlEligible: random() >= 0.1,
        exit: random() < 0.8 ? 'Assignment' : 'Double close',
        property: address(random, market),
        memoOf: null,
      });
    }
  }
  // A fee corrected after the close: the deal's sides and address, some GP, no transaction.
  const memos = 1 + (random() < 0.5 ? 1 : 0);
  for (let n = 0; n < memos; n += 1) {
    const closed = closings.filter((closing) => closing.status === 'closed' && closing.memoOf === null);
    const of = closed[Math.floor(random() * closed.length)]!;
    closings.push({ ...of, seq: closings.length, gpCents: Math.round(250 + random() * 1250) * 100, transactions: 0, memoOf: of.seq });
  }
  const acqAgents = sources.filter((source) => source.name !== DEMO_TEAM_LEAD);
  const sprintWinner = acqAgents[Math.floor(random() * acqAgents.length)]!.name;
  return { index, month, closings, sprintWinner };
}

const SPRINT_PRIZE = 250;

function writeClosings(draft: DraftMonth): Closing[] {
  const bySeq = new Map(draft.closings.map((closing) => [closing.seq, closing]));
  const memoDay = (closing: DraftClosing) => (closing.memoOf === null ? closing.day : bySeq.get(closing.memoOf)!.day);
  const ordered = [...draft.closings].sort(
    (a, b) => memoDay(a) - memoDay(b) || (a.memoOf ?? a.seq) - (b.memoOf ?? b.seq) || a.seq - b.seq,
  );
  const compact = draft.month;
  let number = 0;
  const ids = new Map<number, string>();
  return ordered.map((closing) => {
    const id = closing.memoOf === null ? `R-${compact}-${String(++number).padStart(3, '0')}` : `${ids.get(closing.memoOf)!}-M`;
    ids.set(closing.seq, id);
    const sides: Closing['sides'] = [{ role: 'acq', agent: closing.source.name, manager: closing.source.manager }];
    if (closing.dispo) sides.push({ role: 'dispo', agent: closing.dispo.agent, manager: closing.dispo.manager });
    const gp = toAmount(closing.gpCents);
    const row: Closing = {
      id,
      date: `${draft.month}-${String(memoDay(closing)).padStart(2, '0')}`,
      property: closing.property,
      market: closing.market,
      gp,
      assignment_fee: gp,
      transactions: closing.transactions,
      status: closing.status,
      attributes: { flat_fee: closing.flatFee, exit_strategy: closing.exit, tl_eligible: closing.tlEligible },
      sides,
    };
    return row;
  });
}

/**
 * The month's adjustments (the sprint prize, and the guaranteed minimum's top-up to what the plans
 * pay her) and the month's total pay in cents with them: a whole-cent adjustment adds exactly its
 * amount to a statement rounded once, so one pass of the plans gives both.
 */
function adjustmentsFor(draft: DraftMonth, closings: Closing[]): { adjustments: Adjustment[]; totalCents: number } {
  const sprint: Adjustment = { payee: draft.sprintWinner, amount: SPRINT_PRIZE, reason: 'sprint', note: 'Weekly sprint winner' };
  const payout = calculatePayouts({ month: draft.month, closings, adjustments: [sprint], plans: demoPlansInForce(draft.month) });
  const paidCents = Math.round(payout.total * 100);
  const hired = DISPO_AGENTS.find((member) => member.name === DEMO_DRAW_AGENT)!;
  if (draft.index < hired.first || draft.index > hired.last) return { adjustments: [sprint], totalCents: paidCents };
  // A month she closed nothing the plans pay her nothing, and the guarantee all of it.
  const earned = payout.statements.find((statement) => statement.payee === DEMO_DRAW_AGENT)?.total ?? 0;
  const topUpCents = DEMO_GUARANTEED_MINIMUM * 100 - Math.round(earned * 100);
  if (topUpCents <= 0) return { adjustments: [sprint], totalCents: paidCents };
  const topUp: Adjustment = {
    payee: DEMO_DRAW_AGENT,
    amount: toAmount(topUpCents),
    reason: 'other',
    note: `Guaranteed monthly minimum of ${DEMO_GUARANTEED_MINIMUM.toFixed(2)} (offer letter, July 2024): the plans paid ${earned.toFixed(2)}`,
  };
  return { adjustments: [sprint, topUp], totalCents: paidCents + topUpCents };
}

function writeMonth(draft: DraftMonth): ClosingsMonth {
  const closings = writeClosings(draft);
  return { month: draft.month, closings, adjustments: adjustmentsFor(draft, closings).adjustments };
}

/** The month's total pay in cents under the demo plans, adjustments included. */
function totalCents(draft: DraftMonth): number {
  return adjustmentsFor(draft, writeClosings(draft)).totalCents;
}

const isDeal = (closing: DraftClosing) => closing.status === 'closed' && closing.memoOf === null;

/** Rescales the closed rows' GP to exactly `target` cents, keeping proportions (largest remainder, ties by position). */
function rescale(rows: DraftClosing[], target: number): void {
  const parts = proportionalCents(rows.map((row) => row.gpCents), target);
  rows.forEach((row, position) => {
    row.gpCents = parts[position]!;
  });
}

/**
 * Moves GP between two deals (company GP unchanged) until the plans pay exactly `target` cents:
 * on integer cents, the total as a function of the move changes by a fraction of a cent per cent
 * moved (the difference of the two deals' rates), so a bisection to where it crosses the target,
 * then a scan of the moves next to it, finds an exact one. Returns false when this pair cannot.
 */
function movePair(draft: DraftMonth, into: DraftClosing, from: DraftClosing, target: number): boolean {
  const start = { into: into.gpCents, from: from.gpCents };
  const miss = (move: number) => {
    into.gpCents = start.into + move;
    from.gpCents = start.from - move;
    return totalCents(draft) - target;
  };
  let low = -(start.into - MIN_DEAL_GP_CENTS);
  let high = start.from - MIN_DEAL_GP_CENTS;
  let lowMiss = miss(low);
  const highMiss = miss(high);
  if (lowMiss === 0 || highMiss === 0 || Math.sign(lowMiss) === Math.sign(highMiss)) {
    const exact = lowMiss === 0 ? low : highMiss === 0 ? high : null;
    if (exact !== null) {
      miss(exact);
      return true;
    }
    miss(0);
    return false;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const value = miss(middle);
    if (value === 0) return true;
    if (Math.sign(value) === Math.sign(lowMiss)) {
      low = middle;
      lowMiss = value;
    } else high = middle;
  }
  for (let distance = 0; distance <= 50; distance += 1) {
    for (const move of [low - distance, high + distance]) {
      if (-(start.into - MIN_DEAL_GP_CENTS) <= move && move <= start.from - MIN_DEAL_GP_CENTS && miss(move) === 0) return true;
    }
  }
  miss(0);
  return false;
}

/**
 * Calibrates September 2025 to the CONTRACT.md figures without touching the plans:
 * 1. Deals: the surplus is trimmed from the busiest agents (their latest attempt), a deficit is
 *    filled with extra closed deals, until 59 transactions remain (memo rows carry none).
 * 2. GP: every closed row is rescaled proportionally (integer cents, largest remainder) so that
 *    company GP is exactly 682,043.00.
 * 3. Coarse: deals' flat-fee flags are turned, oldest first, in the direction that brings the
 *    plans' pay towards 97,539.31 (a flat-fee deal pays its dispo agent two thirds of the rate),
 *    until the pay is within 300.00 of it.
 * 4. Exact: GP moves between two deals ({@link movePair}) until the pay is exactly 97,539.31.
 * Throws when no exact solution is found, so a change that breaks the figures is caught at once.
 */
function calibrateSeptember(draft: DraftMonth): void {
  const target = DEMO_SEPTEMBER_TARGET;
  const random = seededRandom(DEMO_SEED ^ 0x0c1_2025);
  const transactions = () => draft.closings.filter(isDeal).length;
  while (transactions() > target.transactions) {
    const counts = new Map<Source, number>();
    for (const closing of draft.closings.filter(isDeal)) counts.set(closing.source, (counts.get(closing.source) ?? 0) + 1);
    const busiest = [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
    const victim = draft.closings.filter((closing) => isDeal(closing) && closing.source === busiest && !draft.closings.some((memo) => memo.memoOf === closing.seq)).at(-1)!;
    draft.closings.splice(draft.closings.indexOf(victim), 1);
  }
  const sources = SOURCES.filter((source) => source.first <= draft.index && draft.index <= source.last);
  while (transactions() < target.transactions) {
    const source = pickWeighted(random, sources);
    const model = draft.closings.find((closing) => isDeal(closing) && closing.source === source) ?? draft.closings.find(isDeal)!;
    const seq = Math.max(...draft.closings.map((closing) => closing.seq)) + 1;
    draft.closings.push({ ...model, seq, day: 1 + Math.floor(random() * daysIn(draft.month)), gpCents: Math.round(source.dealGp * (0.8 + 0.4 * random())) * 100, market: source.market, property: address(random, source.market) });
  }

  const closed = draft.closings.filter((closing) => closing.status === 'closed');
  rescale(closed, target.totalGpCents);

  const deals = draft.closings.filter(isDeal);
  let miss = totalCents(draft) - target.totalCommissionCents;
  for (const deal of deals) {
    if (Math.abs(miss) <= 30_000) break;
    // Paying too much: list a deal for a flat fee; too little: take a flat-fee listing off.
    if (deal.flatFee !== miss < 0 || deal.dispo?.agent === null) continue;
    deal.flatFee = !deal.flatFee;
    const next = totalCents(draft) - target.totalCommissionCents;
    if (Math.abs(next) >= Math.abs(miss)) deal.flatFee = !deal.flatFee;
    else miss = next;
  }

  // Two deals of one acquisition agent first: their agent's GP, hence bracket, stays put.
  const largest = [...deals].sort((a, b) => b.gpCents - a.gpCents || a.seq - b.seq).slice(0, 12);
  const pairs = largest.flatMap((into) => largest.filter((from) => from !== into).map((from) => ({ into, from })));
  pairs.sort((a, b) => Number(b.into.source === b.from.source) - Number(a.into.source === a.from.source));
  for (const { into, from } of pairs) {
    if (movePair(draft, into, from, target.totalCommissionCents)) return;
  }
  throw new Error(`September 2025 calibration failed (the plans pay ${miss} cents off the target)`);
}

let generated: ClosingsMonth[] | null = null;

/** The 24 demo closings months, 2023-10 .. 2025-09, oldest first. Pure: every call returns equal data. */
export function generateDemoClosings(): ClosingsMonth[] {
  generated ??= DEMO_MONTHS.map((_, index) => {
    const draft = draftMonth(index);
    if (draft.month === DEMO_SEPTEMBER_TARGET.month) calibrateSeptember(draft);
    return writeMonth(draft);
  });
  // Generated once per process (the calibration runs the plans a few hundred times); each caller gets its own copy.
  return structuredClone(generated);
}

/** What the demo plans pay a closings month of the demo (its adjustments included). */
export function payDemoMonth(month: ClosingsMonth): Payout {
  return calculatePayouts({ month: month.month, closings: month.closings, adjustments: month.adjustments ?? [], plans: demoPlansInForce(month.month) });
}

