import { Buffer, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { AppError } from '../app-error.js';

/**
 * The text of an uploaded CSV, decoded strictly. Spreadsheet tools write UTF-8 (Excel's "CSV UTF-8"
 * adds a BOM) or, on older Windows set-ups, Windows-1252. Bytes that are not valid UTF-8 are never
 * guessed at: they are decoded as Windows-1252 only when the request says so
 * (`charset=windows-1252`), and refused otherwise, because a lenient decoder would store names with
 * replacement characters ("Jos� N��ez") that no later step can repair.
 */

export type Charset = 'utf-8' | 'windows-1252';

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Bytes Windows-1252 leaves undefined. WHATWG's decoder maps them to C1 control characters, which
 * are never meant in a name: a file holding them is not Windows-1252 either.
 */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** The charset a request declared, from its content type's `charset` parameter (undefined when none). */
export function declaredCharset(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match ? match[1]!.toLowerCase() : undefined;
}

/** A declared charset we read, or a 415 for any other. */
export function readableCharset(declared: string | undefined): Charset {
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return 'utf-8';
  if (declared === 'windows-1252' || declared === 'cp1252') return 'windows-1252';
  throw new AppError('unsupported', 'unsupported-charset', `charset=${declared.slice(0, 40)} is not read: send UTF-8, or Windows-1252 declared as charset=windows-1252.`);
}

/** Offset of the first byte that does not begin or continue a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let length: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    if (i + length > bytes.length) return i;
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k += 1) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += length;
  }
  return -1;
}

/** Line of a byte offset, counted from 1: what a spreadsheet shows as the row of a CSV without multi-line cells. */
function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (bytes[i] === 0x0a) line += 1;
  return line;
}

function refused(bytes: Uint8Array, offset: number, what: string, hint: string): AppError {
  const row = lineOf(bytes, offset);
  const byte = `0x${bytes[offset]!.toString(16).toUpperCase().padStart(2, '0')}`;
  return new AppError('unsupported', 'unsupported-encoding', `The file is not ${what}: byte ${byte} at row ${row} (offset ${offset}). ${hint}`, {
    details: { row, offset, byte },
  });
}

/**
 * The line ends a CSV reader takes, for csv-parse's `record_delimiter`: any of them, mixed in one
 * file too. Left to itself the parser takes the first line's for the whole file, so a CRLF header
 * over LF rows (rows a script appended) read as one record. CRLF first, so it is never CR then LF.
 */
export const CSV_LINE_ENDS = ['\r\n', '\n', '\r'];

/**
 * The file's text: UTF-8 (a leading BOM dropped), or Windows-1252 when declared. Throws a 415
 * AppError naming the row of the first byte that cannot be read; never yields U+FFFD for a bad byte.
 */
export function decodeText(bytes: Uint8Array, charset: Charset = 'utf-8'): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new AppError('unsupported', 'unsupported-encoding', 'The file is UTF-16 ("Unicode text"); save it as "CSV UTF-8" instead.');
  }
  const hasBom = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b);
  if (isUtf8(bytes)) return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  if (charset === 'windows-1252' && !hasBom) {
    const undefinedAt = bytes.findIndex((b) => CP1252_UNDEFINED.has(b));
    if (undefinedAt >= 0) throw refused(bytes, undefinedAt, 'Windows-1252', 'That byte has no character in Windows-1252.');
    // Not TextDecoder: Node 20's decodes the label 'windows-1252' as ISO-8859-1 (0x80 gives U+0080, not €).
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252');
  }
  const hint =
    charset === 'windows-1252'
      ? 'It starts with a UTF-8 BOM, so it cannot be Windows-1252; save it again as "CSV UTF-8".'
      : 'Save it as "CSV UTF-8", or, for a Windows-1252 file, send Content-Type: text/csv; charset=windows-1252.';
  throw refused(bytes, firstInvalidUtf8(bytes), 'valid UTF-8', hint);
}
