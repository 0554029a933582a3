/**
 * Background jobs on pg-boss (version 10: the current major needs Node 22, this one runs on 20).
 *
 * pg-boss keeps its tables in its own schema (`pgboss`), which it creates and migrates itself, so it
 * connects as the owner role; the report work it triggers runs through `withTenant` on the
 * application pool, under row-level security like any request.
 *
 * - `report.monthly`: a cron schedule (06:00 UTC on the 1st) that fans out one `report.generate`
 *   job per tenant for the month just closed. pg-boss fires a schedule once per slot however many
 *   instances run it.
 * - `report.generate`: makes one tenant's report of one month. Jobs carry the singleton key
 *   `<tenant>:<month>` on a `stately` queue, so a second request while one is queued or running
 *   is not queued again; SKIP LOCKED hands each job to exactly one worker of one instance; and the
 *   report row is keyed by tenant and month, so even a repeated run leaves one report.
 * - Failures are retried with exponential backoff (retryDelay × 2^n); the report shows each
 *   failed attempt and is marked failed after the last one.
 */
import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { ChangeFeed } from '../realtime/change-feed.js';
import { generateReport, recordReportFailure, type ReportDeps } from '../services/reports/generate-report.js';
import { queueAdminReport, type ReportRequest, type ReportRequester } from '../services/reports/request-report.js';
import { listTenantIds } from '../services/tenant/list-tenants.js';

const GENERATE_QUEUE = 'report.generate';
export const MONTHLY_QUEUE = 'report.monthly';
/** 06:00 UTC on the 1st: the month before is closed. */
export const MONTHLY_CRON = '0 6 1 * *';

export interface JobsLog {
  info: (object: object, message: string) => void;
  warn: (object: object, message: string) => void;
}

export interface ReportJobsOptions {
  /** The owner connection: pg-boss creates and migrates its own schema. */
  ownerUrl: string;
  /** The application pool: the reports themselves are tenant rows. */
  pool: pg.Pool;
  feed?: ChangeFeed | undefined;
  log: JobsLog;
  /** pg-boss schema; tests use one of their own. */
  schema?: string;
  /** Register the monthly cron schedule (default true). */
  schedule?: boolean;
  /** Retries after the first attempt, and the first delay in seconds (doubled each time). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  pollingIntervalSeconds?: number;
  /** Reports made at once by this instance. */
  concurrency?: number;
  /** The work itself; tests wrap it to count or fail attempts. */
  generate?: typeof generateReport;
}

interface GenerateData {
  tenantId: string;
  month: string;
  trigger: 'schedule' | 'admin';
}

/** YYYY-MM of the month before `date`'s (UTC). */
export function previousMonth(date: Date): string {
  const index = date.getUTCFullYear() * 12 + date.getUTCMonth() - 1;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const DEADLOCK = '40P01';

/**
 * Runs `work` again when PostgreSQL chose it as a deadlock's victim. pg-boss creates a queue's
 * partition with DDL that takes its locks in an order two instances starting at once (the workers
 * of WEB_CONCURRENCY) can cross; once one of them has made the queue, creating it again is a no-op.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || (error as { code?: unknown }).code !== DEADLOCK) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
    }
  }
}

export class ReportJobs implements ReportRequester {
  private constructor(
    private readonly boss: PgBoss,
    private readonly options: ReportJobsOptions,
  ) {}

  static async start(options: ReportJobsOptions): Promise<ReportJobs> {
    const boss = new PgBoss({
      connectionString: options.ownerUrl,
      schema: options.schema ?? 'pgboss',
      application_name: 'commission-intelligence-jobs',
      max: 4,
    });
    boss.on('error', (error) => options.log.warn({ err: error }, 'job queue error'));
    await boss.start();
    const retries = {
      retryLimit: options.retryLimit ?? 4,
      retryDelay: options.retryDelaySeconds ?? 60,
      retryBackoff: true,
    };
    for (const queue of [GENERATE_QUEUE, MONTHLY_QUEUE]) {
      await retryOnDeadlock(() => boss.createQueue(queue, { name: queue, policy: 'stately', expireInSeconds: 15 * 60, ...retries }));
    }
    const jobs = new ReportJobs(boss, options);
    const polling = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 };
    for (let worker = 0; worker < (options.concurrency ?? 2); worker += 1) {
      await boss.work<GenerateData>(GENERATE_QUEUE, { ...polling, batchSize: 1, includeMetadata: true }, async ([job]) => {
        if (job) await jobs.runGenerate(job);
      });
    }
    await boss.work(MONTHLY_QUEUE, { ...polling, batchSize: 1, includeMetadata: true }, async ([job]) => {
      if (job) await jobs.fanOut(previousMonth(job.createdOn));
    });
    if (options.schedule ?? true) await boss.schedule(MONTHLY_QUEUE, MONTHLY_CRON, {}, { tz: 'UTC' });
    return jobs;
  }

  private get deps(): ReportDeps {
    return { pool: this.options.pool, feed: this.options.feed };
  }

  /** Queues (or re-queues) the report of a month for an admin, and returns its id at once. */
  async request({ tenantId, month, userId }: ReportRequest): Promise<string> {
    const id = await queueAdminReport(this.options.pool, { tenantId, month, userId });
    await this.send({ tenantId, month, trigger: 'admin' });
    return id;
  }

  /** Every tenant id, read as the owner through the report_scheduler policy (migration 0006). */
  tenants(): Promise<string[]> {
    return listTenantIds({ ownerUrl: this.options.ownerUrl, applicationName: 'commission-intelligence-jobs' });
  }

  /**
   * One report job per tenant for `month` (every tenant unless given); tenants without that month,
   * or whose report of it is already made, finish at once. Returns how many jobs were queued.
   */
  async fanOut(month: string, tenantIds?: string[]): Promise<number> {
    const tenants = tenantIds ?? (await this.tenants());
    let queued = 0;
    for (const tenantId of tenants) {
      if (await this.send({ tenantId, month, trigger: 'schedule' })) queued += 1;
    }
    this.options.log.info({ month, tenants: tenants.length, queued }, 'monthly reports queued');
    return queued;
  }

  /** The job id, or null when the same report is already queued or running. */
  private send(data: GenerateData): Promise<string | null> {
    return this.boss.send(GENERATE_QUEUE, data, { singletonKey: `${data.tenantId}:${data.month}` });
  }

  private async runGenerate(job: PgBoss.JobWithMetadata<GenerateData>): Promise<void> {
    const generate = this.options.generate ?? generateReport;
    try {
      await generate(this.deps, job.data);
    } catch (error) {
      const final = job.retryCount >= job.retryLimit;
      await recordReportFailure(this.deps, job.data, error, final).catch(() => {});
      this.options.log.warn({ err: error, job_id: job.id, attempt: job.retryCount + 1, final }, 'report generation failed');
      throw error;
    }
  }

  /** Report jobs queued, waiting for a retry or running. */
  async pending(): Promise<number> {
    return (await this.boss.getQueueSize(GENERATE_QUEUE, { before: 'completed' })) ?? 0;
  }

  /** The cron schedules pg-boss holds (for /metrics and tests). */
  schedules(): Promise<PgBoss.Schedule[]> {
    return this.boss.getSchedules();
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
