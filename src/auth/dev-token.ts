import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SignJWT } from 'jose';
import { uuidV5 } from '../db/tenant-id.js';
import type { PrincipalRole } from '../domain/principal.js';

/** Namespace for the `sub` of development users, so one e-mail is always the same user. */
const DEV_USER_NAMESPACE = 'b8c4d0e6-91a7-4c1b-8f0e-2d6b7a3c5e19';

/**
 * The development signing key: made once per data directory and kept there (mode 0600), so that
 * `npm run token` and a running `npm start` agree on it. Never used when an auth provider is set,
 * and never in production (see config).
 */
export async function loadOrCreateDevSecret(dataDir: string): Promise<Uint8Array> {
  const file = path.join(dataDir, 'dev-jwt-secret');
  if (existsSync(file)) return Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'hex');
  await fs.mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32);
  try {
    await fs.writeFile(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process wrote it first: use theirs.
    if ((error as { code?: string }).code === 'EEXIST') return loadOrCreateDevSecret(dataDir);
    throw error;
  }
}

export interface TokenClaims {
  orgId: string;
  email?: string | undefined;
  role?: PrincipalRole | undefined;
  /** `app_metadata.payee`: the roster name a payee token is linked to. */
  payee?: string | undefined;
  /** Defaults to a stable id derived from the e-mail. */
  sub?: string | undefined;
  ttlSeconds?: number | undefined;
  audience?: string | undefined;
  /** Where the org id goes: top-level `tenant_id` (custom access token hook) or `app_metadata`. */
  tenantClaimIn?: 'top-level' | 'app_metadata';
  extra?: Record<string, unknown>;
}

/** Signs a token shaped like Supabase's: sub, email, role "authenticated", session_id, org id claim. */
export async function signUserToken(secret: Uint8Array, claims: TokenClaims): Promise<string> {
  const email = claims.email ?? `dev@${claims.orgId}.example`;
  const appMetadata: Record<string, unknown> = { provider: 'email' };
  if (claims.role) appMetadata.role = claims.role;
  if (claims.payee) appMetadata.payee = claims.payee;
  const payload: Record<string, unknown> = {
    email,
    role: 'authenticated',
    session_id: randomUUID(),
    app_metadata: appMetadata,
    ...claims.extra,
  };
  if (claims.tenantClaimIn === 'app_metadata') appMetadata.tenant_id = claims.orgId;
  else payload.tenant_id = claims.orgId;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub ?? uuidV5(email, DEV_USER_NAMESPACE))
    .setAudience(claims.audience ?? 'authenticated')
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 12 * 3600}s`)
    .sign(secret);
}
