import pg from 'pg';
import { allTenantIds } from '../../db/tenant-data.js';

/** Every tenant id, through a short-lived owner connection (the job scheduler's view across tenants). */
export async function listTenantIds(input: { ownerUrl: string; applicationName: string }): Promise<string[]> {
  const client = new pg.Client({ connectionString: input.ownerUrl, application_name: input.applicationName });
  await client.connect();
  try {
    return await allTenantIds(client);
  } finally {
    await client.end();
  }
}
