import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far the signature's timestamp may be from our clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** The signature is missing, malformed, wrong or stale. `reason` is short and safe to show. */
export class SignatureError extends Error {
  override name = 'SignatureError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

const MAX_HEADER_LENGTH = 1024;
const TIMESTAMP = /^\d{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * What is signed. The entitlement push keeps the contract's form, `"<t>.<raw body>"`. Every other
 * marketplace route binds its path: `"<t>.<path>.<raw body>"` (`path` as requested, without the
 * query: `/api/v1/marketplace/sessions/revoke`), so a body signed for one route verifies on no other.
 * The forms cannot be confused either: after `"<t>."` a path starts with `/` and a JSON body with
 * `{` (or white space), and every route refuses a body that is not JSON.
 */
function mac(secret: string, timestamp: string, body: Uint8Array | string, path: string | undefined): Buffer {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`);
  if (path !== undefined) hmac.update(`${path}.`);
  return hmac.update(body).digest();
}

/**
 * `X-Signature` for `body` signed at `timestamp` (unix seconds): what the marketplace sends. With
 * `path`, the form bound to that route (every marketplace route but the entitlement push).
 */
export function signMarketplaceBody(secret: string, timestamp: number, body: Uint8Array | string, path?: string): string {
  return `t=${timestamp},v1=${mac(secret, String(timestamp), body, path).toString('hex')}`;
}

function parseHeader(header: string | undefined): { timestamp: string; signatures: Buffer[] } {
  if (header === undefined || header === '') throw new SignatureError('missing X-Signature header');
  if (header.length > MAX_HEADER_LENGTH) throw new SignatureError('malformed X-Signature header');
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) throw new SignatureError('malformed X-Signature header');
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !TIMESTAMP.test(value)) throw new SignatureError('malformed X-Signature header');
      timestamp = value;
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(value)) throw new SignatureError('malformed X-Signature header');
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (a future v2) are ignored, so the marketplace can send both during a migration.
  }
  if (timestamp === undefined || signatures.length === 0) throw new SignatureError('malformed X-Signature header');
  return { timestamp, signatures };
}

/**
 * Verifies `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (or, with
 * `path`, of `"<t>.<path>.<raw body>"`) over the raw body bytes, in constant time, and that `t` is
 * within five minutes of `now`. Several `v1` values are accepted (any one matching), which is how a
 * secret is rotated. Returns the signing time.
 */
export function verifyMarketplaceSignature(header: string | undefined, body: Uint8Array, secret: string, now: Date, path?: string): Date {
  const { timestamp, signatures } = parseHeader(header);
  const expected = mac(secret, timestamp, body, path);
  let matched = false;
  for (const signature of signatures) {
    // Both are 32 bytes (checked by the pattern), as timingSafeEqual requires.
    if (timingSafeEqual(expected, signature)) matched = true;
  }
  if (!matched) throw new SignatureError('signature does not match');
  const signedAt = Number(timestamp);
  if (Math.abs(now.getTime() / 1000 - signedAt) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new SignatureError('signature timestamp outside the 5-minute tolerance');
  }
  return new Date(signedAt * 1000);
}
