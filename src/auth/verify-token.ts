import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { unsafeTextProblem } from '../domain/text-safety.js';
import { LRUCache } from 'lru-cache';
import type { AuthConfig } from '../config.js';
import type { PrincipalRole } from '../domain/principal.js';
import { claimedEntitlements, type ClaimedEntitlements } from '../domain/entitlements.js';

/** What a verified token tells us about the caller. */
export interface TokenIdentity {
  orgId: string;
  userId: string;
  email: string | undefined;
  /** Role from `app_metadata.role`, when the marketplace set one. */
  claimedRole: PrincipalRole | undefined;
  /** `app_metadata.payee`: the roster name a `payee` token is linked to (else its e-mail links it). */
  payeeClaim?: string | undefined;
  sessionId: string | undefined;
  expiresAt: number;
  /** `app_metadata.entitlements` when the marketplace put them there (a malformed one is ignored). */
  entitlements?: ClaimedEntitlements | undefined;
}

/** Verification failed. `reason` is short and safe to show: it never echoes the token. */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The signing keys could not be fetched: the caller is not at fault, so this is a 503, not a 401. */
export class SigningKeysUnavailableError extends Error {
  override name = 'SigningKeysUnavailableError';
}

export type VerifyToken = (token: string) => Promise<TokenIdentity>;

export interface VerifierKeys {
  /** Symmetric secret for HS256 (Supabase legacy JWT secret, or the development key). */
  hsSecret?: Uint8Array | undefined;
  /** JWKS endpoint for ES256/RS256 (Supabase asymmetric signing keys). */
  jwksUrl?: string | undefined;
  /** Least time between two JWKS fetches triggered by unknown key ids (default 30 s). */
  jwksCooldownMs?: number;
}

const HMAC_ALGORITHMS = ['HS256'] as const;
const ASYMMETRIC_ALGORITHMS = ['ES256', 'RS256'] as const;
const MAX_TOKEN_LENGTH = 8192;
/** A verified token is remembered this long at most, and never past its `exp`. */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX_TOKENS = 10_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function orgIdFrom(payload: JWTPayload, claim: string): string | undefined {
  const appMetadata = isRecord(payload.app_metadata) ? payload.app_metadata : {};
  // Never user_metadata: users can edit it themselves.
  const value = payload[claim] ?? appMetadata[claim];
  if (typeof value === 'string' && value.length > 0 && value.length <= 255) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/**
 * Builds the token verifier: an explicit algorithm allow-list (HS256 only with a secret, ES256 and
 * RS256 only with a JWKS), `exp` and `sub` required, `aud` always checked, `iss` when configured,
 * and a small clock tolerance. The JWKS is cached and refetched on an unknown `kid`, which is how
 * key rotation reaches us without a restart.
 *
 * Signature checks are most of what an authenticated read costs, and a dashboard sends the same
 * token many times a minute: a token that verified is remembered (by its exact text) for up to a
 * minute and never past its `exp`, so its next requests skip the cryptography. Failures are not
 * remembered. Revoked sessions are checked on every request after this (src/http/plugins/auth.ts).
 */
export function createTokenVerifier(config: AuthConfig, keys: VerifierKeys): VerifyToken {
  const jwks = keys.jwksUrl
    ? createRemoteJWKSet(new URL(keys.jwksUrl), {
        timeoutDuration: 3_000,
        cooldownDuration: keys.jwksCooldownMs ?? 30_000,
        cacheMaxAge: 10 * 60_000,
      })
    : undefined;
  const algorithms = [...(keys.hsSecret ? HMAC_ALGORITHMS : []), ...(jwks ? ASYMMETRIC_ALGORITHMS : [])];
  if (algorithms.length === 0) throw new Error('token verifier needs a secret or a JWKS URL');

  // Imported once: jose would import raw secret bytes again for every token.
  const hmacKey = keys.hsSecret
    ? crypto.subtle.importKey('raw', new Uint8Array(keys.hsSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    : undefined;
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && hmacKey) return hmacKey;
    if (jwks && header.alg !== 'HS256') return jwks(header, token);
    throw new TokenError('algorithm not accepted');
  };

  const verified = new LRUCache<string, TokenIdentity>({ max: VERIFIED_MAX_TOKENS });

  const verify = async (token: string): Promise<TokenIdentity> => {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed token');
    try {
      decodeProtectedHeader(token);
    } catch {
      throw new TokenError('malformed token');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms,
        audience: config.audience,
        ...(config.issuer ? { issuer: config.issuer } : {}),
        requiredClaims: ['exp', 'sub'],
        clockTolerance: config.clockToleranceSec,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWKSTimeout || error instanceof TypeError) {
        throw new SigningKeysUnavailableError('signing keys unavailable', { cause: error });
      }
      throw new TokenError(reasonFor(error));
    }

    // Supabase's legacy secret also signs the anon and service_role API keys: only users get in.
    if (payload.role !== 'authenticated') throw new TokenError('not a user token');
    const orgId = orgIdFrom(payload, config.tenantClaim);
    if (!orgId) throw new TokenError('no organisation in token');
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255) {
      throw new TokenError('invalid subject');
    }
    // A claim is stored (org id, user id, e-mail) or looked up as text: one PostgreSQL cannot take is refused here.
    for (const claim of [orgId, payload.sub, payload.email, payload.session_id]) {
      if (typeof claim === 'string' && unsafeTextProblem(claim)) throw new TokenError('claim is not text');
    }
    const appMetadata = isRecord(payload.app_metadata) ? payload.app_metadata : {};
    const role = appMetadata.role;
    const payee = appMetadata.payee;
    const payeeClaim = typeof payee === 'string' && payee.trim().length > 0 && payee.length <= 200 && !unsafeTextProblem(payee) ? payee : undefined;
    return {
      orgId,
      userId: payload.sub,
      email: typeof payload.email === 'string' && payload.email.length <= 320 ? payload.email : undefined,
      claimedRole: role === 'admin' || role === 'member' || role === 'payee' ? role : undefined,
      payeeClaim,
      sessionId: typeof payload.session_id === 'string' ? payload.session_id : undefined,
      expiresAt: payload.exp!,
      entitlements: claimedEntitlements(appMetadata, payload.iat),
    };
  };

  return async (token) => {
    const known = verified.get(token);
    if (known) return known;
    const identity = Object.freeze(await verify(token));
    const ttl = Math.min(VERIFIED_TTL_MS, identity.expiresAt * 1000 - Date.now());
    if (ttl > 0) verified.set(token, identity, { ttl });
    return identity;
  };
}

function reasonFor(error: unknown): string {
  if (error instanceof TokenError) return error.reason;
  if (error instanceof joseErrors.JWTExpired) return 'token expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `invalid claim: ${error.claim}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'invalid signature';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'unknown signing key';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not accepted';
  return 'invalid token';
}
