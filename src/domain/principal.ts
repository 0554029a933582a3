import type { ClaimedEntitlements } from './entitlements.js';

/** What a user may do in their organisation: admins write, members read and export. */
export type AppRole = 'admin' | 'member';

/**
 * The role a request acts in: a stored role, or `payee` (claimed by the token only, never stored):
 * a person who is paid, who sees their own pay and nothing else (SECURITY.md, "Payees").
 */
export type PrincipalRole = AppRole | 'payee';

/** Who is calling: established from a verified token, provisioned on first sight. */
export interface Principal {
  tenantId: string;
  orgId: string;
  userId: string;
  role: PrincipalRole;
  /** For a `payee`: the roster name of the person they are (their rows are all the database shows them). */
  payee?: string | undefined;
  sessionId: string | undefined;
  email: string | undefined;
  /** The token's `exp` (unix seconds), when the caller came with one. */
  expiresAt?: number | undefined;
  /** Entitlements claimed by the token (`app_metadata.entitlements`), if any. */
  entitlementClaims?: ClaimedEntitlements | undefined;
}
