import type { PlanRow } from '../../db/plans.js';

/** A plan as the API shows it: its versions oldest first, the last one current. */
export function planView(row: PlanRow) {
  const versions = row.versions.map((version) => ({ ...version, created_at: version.created_at.toISOString() }));
  return { id: row.id, name: row.name, created_at: row.created_at.toISOString(), current: versions.at(-1)!, versions };
}
