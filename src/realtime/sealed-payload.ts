import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Change notices sealed for the service's own instances. LISTEN needs no privilege, so any session
 * of the application role could hear the channel; sealed with AES-256-GCM under a key derived from
 * the tenant proof key (which that role cannot read), a notice names no tenant to such a listener,
 * and a random IV keeps two notices of one tenant from looking alike. Forged notices fail the tag.
 */
export interface PayloadSeal {
  seal(plain: string): string;
  /** The plain text, or undefined for anything not sealed under this key. */
  open(sealed: string): string | undefined;
}

const PREFIX = 's1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function payloadSeal(proofKey: Buffer): PayloadSeal {
  const key = Buffer.from(hkdfSync('sha256', proofKey, Buffer.alloc(0), 'cip change feed v1', 32));
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) return undefined;
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
