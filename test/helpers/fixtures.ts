import type { CommissionMonth } from '../../src/domain/imports/format.js';

/** A small month with every optional part, figures chosen to be checked by hand. */
export function smallMonth(month = '2025-08'): CommissionMonth {
  return {
    month,
    metadata: { total_gp: 100000.5, total_transactions: 9, commission_pct: 14.6 },
    agents: [
      { name: 'Ada Quill', type: 'acq', gp: 60000.25, deals: 5, commission: 9000.04, terminations: 1, market: 'Phoenix, AZ', manager: 'Mona Reyes' },
      { name: 'Bo Tran', type: 'dispo', gp: 40000.25, deals: 4, commission: 4000.03, terminations: 0, market: 'Dallas, TX', manager: 'Mona Reyes' },
    ],
    managers: [{ name: 'Mona Reyes', gp: 100000.5, commission: 1600.01, team: ['Ada Quill', 'Bo Tran'] }],
    deals: [
      { id: `D-${month}-1`, date: `${month}-02`, agent: 'Ada Quill', type: 'acq', market: 'Phoenix, AZ', gp: 12000.05, status: 'closed' },
      { id: `D-${month}-2`, date: `${month}-03`, agent: 'Ada Quill', type: 'acq', market: 'Phoenix, AZ', gp: 12000.05, status: 'closed' },
      { id: `D-${month}-3`, date: `${month}-04`, agent: 'Ada Quill', type: 'acq', market: 'Phoenix, AZ', gp: 12000.05, status: 'closed' },
      { id: `D-${month}-4`, date: `${month}-05`, agent: 'Ada Quill', type: 'acq', market: 'Phoenix, AZ', gp: 12000.05, status: 'closed' },
      { id: `D-${month}-5`, date: `${month}-06`, agent: 'Ada Quill', type: 'acq', market: 'Phoenix, AZ', gp: 12000.05, status: 'closed' },
      { id: `D-${month}-6`, date: `${month}-07`, agent: 'Ada Quill', type: 'acq', market: 'Phoenix, AZ', gp: 0, status: 'terminated' },
      { id: `D-${month}-7`, date: `${month}-08`, agent: 'Bo Tran', type: 'dispo', market: 'Dallas, TX', gp: 10000.06, status: 'closed' },
      { id: `D-${month}-8`, date: `${month}-09`, agent: 'Bo Tran', type: 'dispo', market: 'Dallas, TX', gp: 10000.06, status: 'closed' },
      { id: `D-${month}-9`, date: `${month}-10`, agent: 'Bo Tran', type: 'dispo', market: 'Dallas, TX', gp: 10000.06, status: 'closed' },
      { id: `D-${month}-10`, date: `${month}-11`, agent: 'Bo Tran', type: 'dispo', market: 'Dallas, TX', gp: 10000.07, status: 'closed' },
    ],
  };
}
