/**
 * Zip archives written by hand (APPNOTE 6.3), so that tests can make one lie: about a part's size,
 * its method or flags, where its directory is, or in ZIP64 form. Only what the zip guard
 * (src/domain/closings/zip-guard.ts) reads is written with care; CRCs are right, times are zero.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** Fields of a part that its directory entry gives as 0xffffffff, with the value in a ZIP64 extra field. */
export type Zip64Field = 'uncompressed' | 'compressed' | 'offset';

export interface ZipPart {
  name: string;
  data: Buffer;
  /** What the directory claims the part inflates to (default: the truth). */
  declared?: number;
  /** 8 (deflate, the default), 0 (stored) or any other number (a method nobody reads). */
  method?: number;
  /** The bytes stored as they are, whatever the method (default: the data, deflated for method 8). */
  raw?: Buffer;
  /** An extra field in the local header (its length moves where the data starts). */
  localExtra?: Buffer;
  /** General-purpose flags (bit 0: encrypted). */
  flags?: number;
  /** The directory entry's fields saturated and moved to a ZIP64 extra field. */
  zip64?: Zip64Field[];
  /** Extra fields before the ZIP64 one (an extended timestamp, say). */
  extra?: Buffer;
  comment?: string;
}

export interface ZipOptions {
  /** The archive's comment, after the end record. */
  comment?: string;
  /** Write the ZIP64 end record and locator, and saturate the end record's count and offset. */
  zip64?: boolean;
  /** The end record's disk numbers (a multi-part archive has them non-zero). */
  disk?: number;
}

const SATURATED = 0xffffffff;

function zip64Extra(fields: readonly Zip64Field[], values: Record<Zip64Field, number>): Buffer {
  const order: Zip64Field[] = ['uncompressed', 'compressed', 'offset'];
  const present = order.filter((field) => fields.includes(field));
  const extra = Buffer.alloc(4 + 8 * present.length);
  extra.writeUInt16LE(1, 0);
  extra.writeUInt16LE(8 * present.length, 2);
  present.forEach((field, index) => extra.writeBigUInt64LE(BigInt(values[field]), 4 + 8 * index));
  return extra;
}

export function zipOf(parts: readonly ZipPart[], options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const method = part.method ?? 8;
    const stored = part.raw ?? (method === 8 ? deflateRawSync(part.data) : part.data);
    const localExtra = part.localExtra ?? Buffer.alloc(0);
    const size = part.declared ?? part.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(part.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(part.data), 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(Math.min(size, SATURATED), 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);

    const zip64 = part.zip64 ?? [];
    const extra = Buffer.concat([part.extra ?? Buffer.alloc(0), zip64.length > 0 ? zip64Extra(zip64, { uncompressed: size, compressed: stored.length, offset }) : Buffer.alloc(0)]);
    const comment = Buffer.from(part.comment ?? '');
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(45, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(part.flags ?? 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc32(part.data), 16);
    central.writeUInt32LE(zip64.includes('compressed') ? SATURATED : stored.length, 20);
    central.writeUInt32LE(zip64.includes('uncompressed') ? SATURATED : Math.min(size, SATURATED), 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt16LE(comment.length, 32);
    central.writeUInt32LE(zip64.includes('offset') ? SATURATED : offset, 42);
    locals.push(local, name, localExtra, stored);
    centrals.push(central, name, extra, comment);
    offset += local.length + name.length + localExtra.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const records: Buffer[] = [];
  if (options.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(parts.length), 24);
    record.writeBigUInt64LE(BigInt(parts.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    records.push(record, locator);
  }
  const comment = Buffer.from(options.comment ?? '');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.disk ?? 0, 4);
  end.writeUInt16LE(options.disk ?? 0, 6);
  end.writeUInt16LE(options.zip64 ? 0xffff : parts.length, 8);
  end.writeUInt16LE(options.zip64 ? 0xffff : parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(options.zip64 ? SATURATED : offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, directory, ...records, end, comment]);
}
