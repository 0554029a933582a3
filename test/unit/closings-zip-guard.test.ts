/**
 * The zip guard on its own (src/domain/closings/zip-guard.ts): the directory it reads (comments,
 * extra fields, ZIP64), every refusal with its code and reason, and each bound at its edge. The
 * archives are written by hand (test/helpers/zip.ts) so each can lie in one way.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { AppError } from '../../src/domain/app-error.js';
import { checkXlsxZip, zipEntries, type ZipLimits } from '../../src/domain/closings/zip-guard.js';
import { zipOf, type ZipPart } from '../helpers/zip.js';

const CONTENT_TYPES = Buffer.from(
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="bin" ContentType="application/vnd.ms-office.activeX"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
);
const types: ZipPart = { name: '[Content_Types].xml', data: CONTENT_TYPES };
const workbook: ZipPart = { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>'.repeat(50)) };
// An extended-timestamp extra field (id 0x5455), as Info-ZIP writes before any ZIP64 one.
const timestamp = Buffer.from([0x55, 0x54, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]);

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof AppError, `an AppError, not ${String(error)}`);
    return error;
  }
  assert.fail('the zip was accepted');
}

const notXlsx = (why: string) => `The file is not a readable .xlsx workbook: ${why}. Save it from Excel as "Excel Workbook (.xlsx)".`;

function assertNotXlsx(run: () => unknown, why: string) {
  const error = refusal(run);
  assert.deepEqual([error.kind, error.code, error.message], ['unsupported', 'not-xlsx', notXlsx(why)]);
}

test('the directory: names, methods, flags, sizes and offsets, past entry comments, extra fields and the archive comment', () => {
  const stored: ZipPart = { name: 'docProps/app.xml', data: Buffer.from('<Properties/>'), method: 0, flags: 0x0800, extra: timestamp, comment: 'kept as is', localExtra: timestamp };
  // "P" (0x50, the first byte of every signature) in the comment: the search must match whole signatures.
  const bytes = zipOf([types, stored, workbook], { comment: 'Produced by Pipeline PK' });
  const entries = checkXlsxZip(bytes);
  assert.deepEqual(
    entries.map(({ name, flags, method, uncompressedSize }) => [name, flags, method, uncompressedSize]),
    [
      ['[Content_Types].xml', 0, 8, CONTENT_TYPES.length],
      ['docProps/app.xml', 0x0800, 0, 13],
      ['xl/workbook.xml', 0, 8, 550],
    ],
  );
  assert.equal(entries[1]!.compressedSize, 13);
  assert.ok(entries[0]!.compressedSize < CONTENT_TYPES.length);
  // Each local header starts where the one before it ended (30 bytes, the name, a local extra field, the data).
  assert.equal(entries[0]!.localOffset, 0);
  assert.equal(entries[1]!.localOffset, 30 + 19 + entries[0]!.compressedSize);
  assert.equal(entries[2]!.localOffset, entries[1]!.localOffset + 30 + 16 + timestamp.length + 13);
});

test('the end record is found under an archive comment of the longest length a zip allows, and not past it', () => {
  assert.equal(zipEntries(zipOf([types, workbook], { comment: 'x'.repeat(65_535) })).length, 2);
  const beyond = Buffer.concat([zipOf([types, workbook]), Buffer.alloc(1)]);
  // The end record's comment length says 0, yet one stray byte follows: still found (22 + 1 ≤ 22 + 65,535).
  assert.equal(zipEntries(beyond).length, 2);
  const buried = Buffer.concat([zipOf([types, workbook]), Buffer.alloc(65_536)]);
  assertNotXlsx(() => zipEntries(buried), 'it is not a zip archive');
});

test('ZIP64: the end record and each saturated field are read from their 64-bit places', () => {
  const big: ZipPart = { ...workbook, zip64: ['uncompressed', 'compressed', 'offset'], extra: timestamp };
  const onlyOffset: ZipPart = { name: 'xl/styles.xml', data: Buffer.from('<styleSheet/>'), zip64: ['offset'] };
  const onlySizes: ZipPart = { name: 'xl/theme.xml', data: Buffer.from('<theme/>'.repeat(9)), zip64: ['compressed'] };
  const bytes = zipOf([types, big, onlyOffset, onlySizes], { zip64: true });
  const entries = checkXlsxZip(bytes);
  assert.deepEqual(entries.map((entry) => entry.name), ['[Content_Types].xml', 'xl/workbook.xml', 'xl/styles.xml', 'xl/theme.xml']);
  const [first, second, third, fourth] = entries;
  assert.equal(second!.uncompressedSize, 550);
  assert.ok(second!.compressedSize > 0 && second!.compressedSize < 550);
  assert.equal(second!.localOffset, 30 + 19 + first!.compressedSize);
  assert.deepEqual([third!.uncompressedSize, third!.localOffset], [13, second!.localOffset + 30 + 15 + second!.compressedSize]);
  assert.equal(fourth!.uncompressedSize, 72);
  assert.ok(fourth!.compressedSize < 72);
  assert.equal(fourth!.localOffset, third!.localOffset + 30 + 13 + third!.compressedSize);

  // The largest size a JavaScript number holds exactly is read; one more is refused.
  const declared = (size: number) => zipOf([{ name: 'x', data: Buffer.from(''), declared: size, zip64: ['uncompressed'] }]);
  assert.equal(zipEntries(declared(Number.MAX_SAFE_INTEGER))[0]!.uncompressedSize, Number.MAX_SAFE_INTEGER);
  assertNotXlsx(() => zipEntries(declared(Number.MAX_SAFE_INTEGER + 1)), 'its zip directory has an impossible size');
  // A declared size past the 100 MB cap is a 413 before anything inflates.
  assert.equal(refusal(() => checkXlsxZip(declared(2 ** 40))).code, 'xlsx-too-large');
});

test('a damaged ZIP64 end: the locator missing, or pointing at something else', () => {
  const bytes = zipOf([types, workbook], { zip64: true });
  const end = bytes.length - 22;
  const noLocator = Buffer.from(bytes);
  noLocator.writeUInt32LE(0, end - 20);
  assertNotXlsx(() => zipEntries(noLocator), 'its ZIP64 directory is missing');
  const noRecord = Buffer.from(bytes);
  noRecord.writeUInt32LE(0, end - 20 - 56);
  assertNotXlsx(() => zipEntries(noRecord), 'its ZIP64 directory is damaged');
  // A file so short that no locator fits before its end record.
  const tiny = Buffer.alloc(22);
  tiny.writeUInt32LE(0x06054b50, 0);
  tiny.writeUInt16LE(0xffff, 10);
  assertNotXlsx(() => zipEntries(tiny), 'its ZIP64 directory is missing');
  // Only the entry count saturated (a zip of 65,535 parts or more) is ZIP64 too.
  const countOnly = Buffer.from(zipOf([types, workbook]));
  countOnly.writeUInt16LE(0xffff, countOnly.length - 22 + 10);
  assertNotXlsx(() => zipEntries(countOnly), 'its ZIP64 directory is missing');
});

test('multi-part archives, damaged directories and pointers outside the file are refused as no xlsx', () => {
  assertNotXlsx(() => zipEntries(zipOf([types], { disk: 1 })), 'it is a multi-part zip');
  const secondDisk = zipOf([types]);
  secondDisk.writeUInt16LE(1, secondDisk.length - 22 + 6);
  assertNotXlsx(() => zipEntries(secondDisk), 'it is a multi-part zip');

  const bytes = zipOf([types, workbook]);
  const directory = bytes.readUInt32LE(bytes.length - 22 + 16);
  const damaged = Buffer.from(bytes);
  damaged.writeUInt32LE(0x12345678, directory);
  assertNotXlsx(() => zipEntries(damaged), 'its zip directory is damaged');
  const outside = Buffer.from(bytes);
  outside.writeUInt32LE(bytes.length - 2, bytes.length - 22 + 16);
  assertNotXlsx(() => zipEntries(outside), 'its zip directory points outside the file');
  // A part whose data would run past the end of the file.
  const longer = Buffer.from(bytes);
  longer.writeUInt32LE(bytes.length, directory + 20);
  assertNotXlsx(() => checkXlsxZip(longer), 'its zip directory points outside the file');

  const local = Buffer.from(bytes);
  local.writeUInt32LE(0, 0);
  assertNotXlsx(() => checkXlsxZip(local), 'part [Content_Types].xml is damaged');
  // Not a zip: the OLE signature (old .xls, or an encrypted workbook) needs all eight bytes.
  const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Buffer.alloc(600)]);
  assertNotXlsx(() => zipEntries(ole), 'it is password-protected or an old .xls file');
  assertNotXlsx(() => zipEntries(Buffer.from([0xd0, ...Buffer.alloc(600)])), 'it is not a zip archive');
});

test('the part count is capped at its bound, from the directory alone', () => {
  const limits: ZipLimits = { maxEntries: 3, maxUncompressedBytes: 1024 * 1024 };
  assert.equal(checkXlsxZip(zipOf([types, workbook, { name: 'a', data: Buffer.from('') }]), limits).length, 3);
  const error = refusal(() => zipEntries(zipOf([types, workbook, { name: 'a', data: Buffer.from('') }, { name: 'b', data: Buffer.from('') }]), limits));
  assert.deepEqual([error.kind, error.code, error.message, error.details], ['too-large', 'xlsx-too-large', 'The workbook has 4 parts; at most 3 are read.', { entries: 4, max_entries: 3 }]);
});

test('the declared total is capped at its bound', () => {
  const total = CONTENT_TYPES.length + 550;
  assert.equal(checkXlsxZip(zipOf([types, workbook]), { maxEntries: 10, maxUncompressedBytes: total }).length, 2);
  const error = refusal(() => checkXlsxZip(zipOf([types, workbook]), { maxEntries: 10, maxUncompressedBytes: total - 1 }));
  assert.deepEqual([error.kind, error.code, error.details], ['too-large', 'xlsx-too-large', { max_uncompressed_bytes: total - 1 }]);
  const megabytes = refusal(() => checkXlsxZip(zipOf([types, { name: 'big', data: Buffer.alloc(2 * 1024 * 1024) }]), { maxEntries: 10, maxUncompressedBytes: 1024 * 1024 }));
  assert.equal(megabytes.message, 'The workbook inflates to more than 1 MB; at most that much is read.');
});

test('each part inflates to exactly what it declares: more is a 413, less or unreadable a 415', () => {
  const liar = refusal(() => checkXlsxZip(zipOf([types, { ...workbook, declared: 100 }])));
  assert.deepEqual([liar.kind, liar.code, liar.message, liar.details], ['too-large', 'xlsx-too-large', 'Part xl/workbook.xml inflates past the 100 bytes it declares (a zip bomb?).', { part: 'xl/workbook.xml' }]);
  // Declared empty, yet it holds something: one byte of output is already too much.
  assert.equal(refusal(() => checkXlsxZip(zipOf([types, { ...workbook, declared: 0 }]))).code, 'xlsx-too-large');
  assert.equal(checkXlsxZip(zipOf([types, workbook, { name: 'empty', data: Buffer.from('') }])).length, 3);
  assertNotXlsx(() => checkXlsxZip(zipOf([types, { ...workbook, declared: 551 }])), 'part xl/workbook.xml is shorter than it declares');
  assertNotXlsx(() => checkXlsxZip(zipOf([types, { ...workbook, raw: Buffer.from([0xff, 0xff, 0xff, 0xff]) }])), 'part xl/workbook.xml does not inflate');

  // Stored parts are copied, and held to their declared size as well.
  const stored = { ...workbook, method: 0 };
  assert.equal(checkXlsxZip(zipOf([types, stored])).length, 2);
  const more = refusal(() => checkXlsxZip(zipOf([types, { ...stored, declared: 549 }])));
  assert.deepEqual([more.code, more.message, more.details], ['xlsx-too-large', 'Part xl/workbook.xml holds more than the 549 bytes it declares (a zip bomb?).', { part: 'xl/workbook.xml' }]);
  assertNotXlsx(() => checkXlsxZip(zipOf([types, { ...stored, declared: 551 }])), 'part xl/workbook.xml is shorter than it declares');
  assertNotXlsx(() => checkXlsxZip(zipOf([types, { ...workbook, method: 12 }])), 'part xl/workbook.xml uses zip method 12');
});

test('encrypted parts and macros are refused; names that merely resemble a macro part are not', () => {
  assertNotXlsx(() => checkXlsxZip(zipOf([types, { ...workbook, flags: 0x0001 }])), 'it is encrypted');
  // Bit 3 (sizes in a data descriptor) and bit 11 (UTF-8 names) are not encryption.
  assert.equal(checkXlsxZip(zipOf([types, { ...workbook, flags: 0x0808 }])).length, 2);
  const macros = 'The workbook contains macros (a VBA project); save it as a macro-free "Excel Workbook (.xlsx)".';
  for (const name of ['xl/vbaProject.bin', 'vbaProject.bin', 'xl/VBAPROJECT.BIN']) {
    const error = refusal(() => checkXlsxZip(zipOf([types, workbook, { name, data: Buffer.from('x') }])));
    assert.deepEqual([error.kind, error.code, error.message], ['unsupported', 'xlsx-macros', macros], name);
  }
  for (const name of ['xl/myvbaProject.bin', 'xl/vbaProject.bin.txt']) assert.equal(checkXlsxZip(zipOf([types, workbook, { name, data: Buffer.from('x') }])).length, 3, name);
});

test('the content types decide: a macro-enabled workbook, none, or no xlsx workbook part', () => {
  const typed = (text: string) => zipOf([{ name: '[Content_Types].xml', data: Buffer.from(text) }, workbook]);
  const macroEnabled = refusal(() => checkXlsxZip(typed(CONTENT_TYPES.toString().replace('spreadsheetml.sheet.main+xml', 'sheet.macroEnabled.main+xml'))));
  assert.deepEqual([macroEnabled.code, macroEnabled.message], ['xlsx-macros', 'The workbook is macro-enabled (.xlsm); save it as a macro-free "Excel Workbook (.xlsx)".']);
  assert.equal(refusal(() => checkXlsxZip(typed(`${CONTENT_TYPES}<!-- vbaProject -->`))).code, 'xlsx-macros');
  assertNotXlsx(() => checkXlsxZip(typed(CONTENT_TYPES.toString().replace('spreadsheetml.sheet.main+xml', 'spreadsheetml.sheet.binary'))), 'it holds no xlsx workbook part (.xlsb, .ods?)');
  assertNotXlsx(() => checkXlsxZip(zipOf([workbook])), 'it has no [Content_Types].xml');
});
