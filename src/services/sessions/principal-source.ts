import type pg from 'pg';
import type { TokenIdentity, VerifyToken } from '../../auth/verify-token.js';
import { provisionUser, type ProvisionedUser } from '../../db/provisioning.js';
import { tenantIdForOrg } from '../../db/tenant-id.js';
import type { SessionRevocations } from './revocations.js';

export type { ProvisionedUser, TokenIdentity };

/**
 * Where the auth plugin turns a bearer token into a caller: the three steps, each its own seam, so
 * the plugin runs no SQL and is tested with a fake (test/unit/auth-plugin.test.ts).
 */
export interface PrincipalSource {
  /** The identity the token proves. Throws `TokenError` (not a valid token) or `SigningKeysUnavailableError` (cannot tell now). */
  verify(token: string): Promise<TokenIdentity>;
  /** True when the identity's session was revoked in its organisation. */
  isRevoked(identity: TokenIdentity): Promise<boolean>;
  /** The identity's tenant and user, created on first sight (a new organisation on a promotion; its first user admin). */
  provision(identity: TokenIdentity): Promise<ProvisionedUser>;
}

export interface PrincipalSourceDeps {
  pool: pg.Pool;
  clock: () => Date;
  verifyToken: VerifyToken;
  /** A new organisation's promotion, in days (PROMO_DAYS). */
  promoDays: number;
  revocations?: SessionRevocations | undefined;
}

/** The production source: the token verifier, the revocation store and provisioning in PostgreSQL. */
export function databasePrincipalSource(deps: PrincipalSourceDeps): PrincipalSource {
  return {
    verify: deps.verifyToken,
    async isRevoked(identity) {
      if (!identity.sessionId || !deps.revocations) return false;
      return deps.revocations.isRevoked(tenantIdForOrg(identity.orgId), identity.sessionId);
    },
    provision: (identity) =>
      provisionUser(deps.pool, {
        orgId: identity.orgId,
        userId: identity.userId,
        email: identity.email,
        payee: identity.claimedRole === 'payee' ? { name: identity.payeeClaim } : undefined,
        promoDays: deps.promoDays,
        today: deps.clock(),
      }),
  };
}
