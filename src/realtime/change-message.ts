/** What changed in a tenant's data: `import`, `delete`, `plan`, `settings`, ... and the month, when one. */
export interface TenantChangeEvent {
  type: string;
  month?: string;
}

export type ChangeListener = (tenantId: string, event: TenantChangeEvent) => void;

/** The one channel (PostgreSQL NOTIFY channel, Redis pub/sub channel) every instance shares. */
export const CHANGE_CHANNEL = 'cip_changes';

/**
 * The tenant id of the synthetic `resync` event a feed emits after reconnecting: notifications
 * sent while it was disconnected are lost, so listeners must treat every tenant as changed.
 * Never a real tenant id (those are UUIDs), and refused by `publish`.
 */
export const ALL_TENANTS = '*';
export const RESYNC_EVENT: TenantChangeEvent = Object.freeze({ type: 'resync' });

/** The change type of a tenant's erasure: every instance deletes what it still holds of the tenant. */
export const TENANT_ERASED = 'erased';

/** A session of the tenant was revoked: no data changed, but open event streams are checked again. */
export const SESSIONS_CHANGED = 'sessions';

const TENANT_ID = /^[A-Za-z0-9-]{1,64}$/;
const EVENT_TYPE = /^[a-z][a-z0-9_.-]{0,63}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class ChangeEventError extends Error {
  override name = 'ChangeEventError';
}

function checkedEvent(event: unknown): TenantChangeEvent | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { type, month } = event as Record<string, unknown>;
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) return undefined;
  if (month === undefined) return { type };
  if (typeof month !== 'string' || !MONTH.test(month)) return undefined;
  return { type, month };
}

/**
 * The wire form of a change: small JSON (NOTIFY payloads must stay under 8000 bytes) holding only
 * ids, never tenant data. Throws `ChangeEventError` on a malformed tenant id or event: a
 * programming error, not a runtime condition.
 */
export function encodeChange(tenantId: string, event: TenantChangeEvent): string {
  if (!TENANT_ID.test(tenantId)) throw new ChangeEventError(`not a tenant id: ${JSON.stringify(tenantId)}`);
  const checked = checkedEvent(event);
  if (!checked) throw new ChangeEventError(`not a change event: ${JSON.stringify(event)}`);
  return JSON.stringify({ v: 1, tenant: tenantId, event: checked });
}

/** The change in a payload, or undefined for anything that is not exactly what `encodeChange` writes. */
export function decodeChange(payload: string): { tenantId: string; event: TenantChangeEvent } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { v, tenant, event } = parsed as Record<string, unknown>;
  if (v !== 1 || typeof tenant !== 'string' || !TENANT_ID.test(tenant)) return undefined;
  const checked = checkedEvent(event);
  return checked ? { tenantId: tenant, event: checked } : undefined;
}

/** The listeners of a feed. One listener throwing does not keep the event from the others. */
export class ListenerSet {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  add(listener: ChangeListener): () => void {
    // Wrapped, so the same function subscribed twice gets two independent subscriptions.
    const entry: ChangeListener = (tenantId, event) => listener(tenantId, event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(tenantId: string, event: TenantChangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(tenantId, event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}
