import { inflateRawSync } from 'node:zlib';
import { AppError } from '../app-error.js';

/**
 * Checks an .xlsx upload before any spreadsheet library sees it. An xlsx is a zip of XML parts;
 * the library inflates every part in memory without a limit, so a zip bomb (a few kilobytes that
 * inflate to gigabytes) or a file with a hundred thousand parts would take the process down. This
 * reads the zip's central directory itself (APPNOTE 6.3, ZIP64 included), refuses macros
 * (`vbaProject.bin`, a macro-enabled content type), binary workbooks and encrypted files, caps the
 * number of entries and their declared uncompressed total, and then inflates each entry with
 * `maxOutputLength` set to its declared size, so an entry that lies about its size is caught
 * while inflating, never after.
 */

export interface ZipLimits {
  maxEntries: number;
  /** Sum of every entry's uncompressed size, in bytes. */
  maxUncompressedBytes: number;
}

export const XLSX_LIMITS: ZipLimits = { maxEntries: 10_000, maxUncompressedBytes: 100 * 1024 * 1024 };

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const notXlsx = (why: string) =>
  new AppError('unsupported', 'not-xlsx', `The file is not a readable .xlsx workbook: ${why}. Save it from Excel as "Excel Workbook (.xlsx)".`);

function tooLarge(message: string, details: Record<string, unknown>): AppError {
  return new AppError('too-large', 'xlsx-too-large', message, { details });
}

class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private check(offset: number, length: number): void {
    if (offset < 0 || offset + length > this.bytes.length) throw notXlsx('its zip directory points outside the file');
  }
  u16(offset: number): number {
    this.check(offset, 2);
    return this.view.getUint16(offset, true);
  }
  u32(offset: number): number {
    this.check(offset, 4);
    return this.view.getUint32(offset, true);
  }
  u64(offset: number): number {
    this.check(offset, 8);
    const value = this.view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw notXlsx('its zip directory has an impossible size');
    return Number(value);
  }
  slice(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
}

function findEndOfDirectory(reader: Reader): number {
  const { bytes } = reader;
  // The end record is 22 bytes plus a comment of at most 65535.
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at -= 1) {
    if (bytes[at] === 0x50 && reader.u32(at) === EOCD) return at;
  }
  if (OLE_SIGNATURE.every((b, i) => bytes[i] === b)) throw notXlsx('it is password-protected or an old .xls file');
  throw notXlsx('it is not a zip archive');
}

/** ZIP64 extra field (id 1): the 64-bit values of whichever 32-bit fields were saturated, in order. */
function zip64Extra(reader: Reader, start: number, length: number, entry: ZipEntry): void {
  for (let at = start; at + 4 <= start + length; ) {
    const id = reader.u16(at);
    const size = reader.u16(at + 2);
    if (id === 1) {
      let field = at + 4;
      if (entry.uncompressedSize === 0xffffffff) {
        entry.uncompressedSize = reader.u64(field);
        field += 8;
      }
      if (entry.compressedSize === 0xffffffff) {
        entry.compressedSize = reader.u64(field);
        field += 8;
      }
      if (entry.localOffset === 0xffffffff) entry.localOffset = reader.u64(field);
      return;
    }
    at += 4 + size;
  }
}

/** The central directory's entries; refuses before reading them when there are too many. */
export function zipEntries(bytes: Uint8Array, limits: ZipLimits = XLSX_LIMITS): ZipEntry[] {
  const reader = new Reader(bytes);
  const end = findEndOfDirectory(reader);
  if (reader.u16(end + 4) !== 0 || reader.u16(end + 6) !== 0) throw notXlsx('it is a multi-part zip');
  let count = reader.u16(end + 10);
  let offset = reader.u32(end + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    if (end < 20 || reader.u32(end - 20) !== ZIP64_LOCATOR) throw notXlsx('its ZIP64 directory is missing');
    const zip64 = reader.u64(end - 20 + 8);
    if (reader.u32(zip64) !== ZIP64_EOCD) throw notXlsx('its ZIP64 directory is damaged');
    count = reader.u64(zip64 + 32);
    offset = reader.u64(zip64 + 48);
  }
  if (count > limits.maxEntries) {
    throw tooLarge(`The workbook has ${count} parts; at most ${limits.maxEntries} are read.`, { entries: count, max_entries: limits.maxEntries });
  }
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i += 1) {
    if (reader.u32(at) !== CENTRAL) throw notXlsx('its zip directory is damaged');
    const nameLength = reader.u16(at + 28);
    const extraLength = reader.u16(at + 30);
    const commentLength = reader.u16(at + 32);
    const entry: ZipEntry = {
      name: new TextDecoder('utf-8').decode(reader.slice(at + 46, nameLength)),
      flags: reader.u16(at + 8),
      method: reader.u16(at + 10),
      compressedSize: reader.u32(at + 20),
      uncompressedSize: reader.u32(at + 24),
      localOffset: reader.u32(at + 42),
    };
    zip64Extra(reader, at + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** An entry's bytes, inflated, never more than its declared size (one byte more is the proof of a lie). */
function inflateEntry(reader: Reader, entry: ZipEntry): Uint8Array {
  if (reader.u32(entry.localOffset) !== LOCAL) throw notXlsx(`part ${entry.name} is damaged`);
  const start = entry.localOffset + 30 + reader.u16(entry.localOffset + 26) + reader.u16(entry.localOffset + 28);
  const data = reader.slice(start, entry.compressedSize);
  let output: Uint8Array;
  if (entry.method === 0) output = data;
  else if (entry.method === 8) {
    try {
      output = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (error) {
      if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw tooLarge(`Part ${entry.name} inflates past the ${entry.uncompressedSize} bytes it declares (a zip bomb?).`, { part: entry.name });
      }
      throw notXlsx(`part ${entry.name} does not inflate`);
    }
  } else throw notXlsx(`part ${entry.name} uses zip method ${entry.method}`);
  if (output.length !== entry.uncompressedSize) {
    if (output.length > entry.uncompressedSize) throw tooLarge(`Part ${entry.name} holds more than the ${entry.uncompressedSize} bytes it declares (a zip bomb?).`, { part: entry.name });
    throw notXlsx(`part ${entry.name} is shorter than it declares`);
  }
  return output;
}

const MACRO_PART = /(^|\/)vbaProject\.bin$/i;
const WORKBOOK_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml';

/**
 * Throws a 415 for anything but a plain macro-free xlsx, a 413 past the limits; returns the
 * entries of a workbook that is safe to hand to the library.
 */
export function checkXlsxZip(bytes: Uint8Array, limits: ZipLimits = XLSX_LIMITS): ZipEntry[] {
  const entries = zipEntries(bytes, limits);
  let declared = 0;
  for (const entry of entries) {
    declared += entry.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) {
      throw tooLarge(`The workbook inflates to more than ${limits.maxUncompressedBytes / 1024 / 1024} MB; at most that much is read.`, {
        max_uncompressed_bytes: limits.maxUncompressedBytes,
      });
    }
    if (entry.flags & 1) throw notXlsx('it is encrypted');
    if (MACRO_PART.test(entry.name)) {
      throw new AppError('unsupported', 'xlsx-macros', 'The workbook contains macros (a VBA project); save it as a macro-free "Excel Workbook (.xlsx)".');
    }
  }
  const reader = new Reader(bytes);
  let contentTypes = '';
  for (const entry of entries) {
    const output = inflateEntry(reader, entry);
    if (entry.name === '[Content_Types].xml') contentTypes = new TextDecoder('utf-8').decode(output);
  }
  // Not any mention of "macroEnabled": writers declare a default type for .bin parts that says it.
  if (/macroEnabled\.main\+xml|vbaProject/i.test(contentTypes)) {
    throw new AppError('unsupported', 'xlsx-macros', 'The workbook is macro-enabled (.xlsm); save it as a macro-free "Excel Workbook (.xlsx)".');
  }
  if (!contentTypes.includes(WORKBOOK_TYPE)) throw notXlsx(contentTypes === '' ? 'it has no [Content_Types].xml' : 'it holds no xlsx workbook part (.xlsb, .ods?)');
  return entries;
}
