import type { ClaimedEntitlements } from './entitlements.js';

/** What a user may do in their organisation: admins write, members read and export. */
export type AppRole = 'admin' | 'member';

/** Who is calling: established from a verified token, provisioned on first sight. */
export interface Principal {
  tenantId: string;
  orgId: string;
  userId: string;
  role: AppRole;
  sessionId: string | undefined;
  email: string | undefined;
  /** The token's `exp` (unix seconds), when the caller came with one. */
  expiresAt?: number | undefined;
  /** Entitlements claimed by the token (`app_metadata.entitlements`), if any. */
  entitlementClaims?: ClaimedEntitlements | undefined;
}
