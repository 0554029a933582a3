import { readReport as readReportRow } from '../../db/reports.js';
import { AppError, notFoundError } from '../../domain/app-error.js';
import { statementsCsv } from '../../domain/reports/statements.js';
import { inTenant, type ServiceContext } from '../context.js';
import { reportView } from './report-view.js';

/**
 * One report: its status, summary and statements (JSON), or its statements as CSV once it is
 * ready (a conflict before).
 */
export async function readReport(ctx: ServiceContext, input: { id: string; format: 'json' | 'csv' }) {
  const report = await inTenant(ctx, (tx) => readReportRow(tx, input.id));
  if (!report) throw notFoundError('No such report.');
  if (input.format === 'csv') {
    if (report.status !== 'ready' || !report.statements) {
      throw new AppError('conflict', 'report-not-ready', `The report is ${report.status}; its CSV exists once it is ready.`);
    }
    return { format: 'csv' as const, name: `report-${report.month}`, csv: statementsCsv(report.month, report.statements) };
  }
  return { format: 'json' as const, report: { ...reportView(report), summary: report.summary, statements: report.statements } };
}
