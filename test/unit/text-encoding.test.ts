import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/domain/app-error.js';
import { declaredCharset, decodeText, firstInvalidUtf8, readableCharset } from '../../src/domain/imports/text-encoding.js';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : part)));

const UTF8_HINT = 'Save it as "CSV UTF-8", or, for a Windows-1252 file, send Content-Type: text/csv; charset=windows-1252.';
const BOM_HINT = 'It starts with a UTF-8 BOM, so it cannot be Windows-1252; save it again as "CSV UTF-8".';
const UTF16 = 'The file is UTF-16 ("Unicode text"); save it as "CSV UTF-8" instead.';

/** The 415 decodeText throws, as plain data. */
function refusal(input: Uint8Array, charset?: 'utf-8' | 'windows-1252') {
  try {
    decodeText(input, charset);
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return { kind: error.kind, code: error.code, message: error.message, details: error.details };
  }
  assert.fail('decodeText read the bytes');
}

describe('declaredCharset', () => {
  it('reads the charset parameter, lower-cased, quoted or not, with or without spaces', () => {
    assert.equal(declaredCharset(undefined), undefined);
    assert.equal(declaredCharset(''), undefined);
    assert.equal(declaredCharset('text/csv'), undefined);
    assert.equal(declaredCharset('text/csv;charset=utf-8'), 'utf-8');
    assert.equal(declaredCharset('text/csv; charset=UTF-8'), 'utf-8');
    assert.equal(declaredCharset('text/csv ;  CharSet  =  Windows-1252'), 'windows-1252');
    assert.equal(declaredCharset('text/csv; charset="windows-1252"'), 'windows-1252');
    assert.equal(declaredCharset('text/csv;\tcharset=\t"cp1252"; header=present'), 'cp1252');
    assert.equal(declaredCharset('text/csv; header=present; charset=utf8'), 'utf8');
    assert.equal(declaredCharset('text/csv; charset=iso-8859-1 ; header=present'), 'iso-8859-1');
  });

  it('finds no charset where there is no `; charset=` parameter', () => {
    assert.equal(declaredCharset('charset=utf-8'), undefined);
    assert.equal(declaredCharset('text/csv; xcharset=utf-8'), undefined);
    assert.equal(declaredCharset('text/csv; charset'), undefined);
    assert.equal(declaredCharset('text/csv; charset='), undefined);
    assert.equal(declaredCharset('text/csv; charset=""'), undefined);
  });
});

describe('readableCharset', () => {
  it('reads UTF-8 (also when none is declared) and Windows-1252 by their names', () => {
    assert.equal(readableCharset(undefined), 'utf-8');
    assert.equal(readableCharset('utf-8'), 'utf-8');
    assert.equal(readableCharset('utf8'), 'utf-8');
    assert.equal(readableCharset('windows-1252'), 'windows-1252');
    assert.equal(readableCharset('cp1252'), 'windows-1252');
  });

  it('answers any other charset with a 415 naming it, cut at 40 characters', () => {
    for (const [declared, shown] of [
      ['latin1', 'latin1'],
      ['utf-16', 'utf-16'],
      ['', ''],
      ['x'.repeat(41), 'x'.repeat(40)],
    ]) {
      assert.throws(
        () => readableCharset(declared),
        (error: unknown) =>
          error instanceof AppError &&
          error.kind === 'unsupported' &&
          error.code === 'unsupported-charset' &&
          error.message === `charset=${shown} is not read: send UTF-8, or Windows-1252 declared as charset=windows-1252.`,
        declared,
      );
    }
  });
});

describe('firstInvalidUtf8', () => {
  it('is -1 for well-formed UTF-8, up to each length\'s first and last code point', () => {
    for (const valid of [
      [],
      [0x00, 0x41, 0x7f],
      [0xc2, 0x80], // U+0080, the first two-byte code point
      [0xdf, 0xbf], // U+07FF
      [0xe0, 0xa0, 0x80], // U+0800
      [0xed, 0x9f, 0xbf], // U+D7FF, just before the surrogates
      [0xee, 0x80, 0x80], // U+E000, just after them
      [0xef, 0xbf, 0xbf], // U+FFFF
      [0xf0, 0x90, 0x80, 0x80], // U+10000
      [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF, the last code point
      [...Buffer.from('José Núñez € 😀\n')],
    ]) {
      assert.equal(firstInvalidUtf8(new Uint8Array(valid)), -1, Buffer.from(valid).toString('hex'));
    }
  });

  it('gives the offset of the sequence that starts the first bad byte', () => {
    const cases: [number[], number][] = [
      [[0x80], 0], // a continuation byte alone
      [[0x41, 0xbf], 1],
      [[0xc0, 0x80], 0], // overlong lead bytes
      [[0xc1, 0xbf], 0],
      [[0xf5, 0x80, 0x80, 0x80], 0], // past U+10FFFF by its lead
      [[0xff], 0],
      [[0xe0, 0x80, 0x80], 0], // U+0000 overlong in 3 bytes
      [[0xe0, 0x9f, 0xbf], 0], // U+07FF overlong in 3 bytes
      [[0xf0, 0x8f, 0xbf, 0xbf], 0], // U+FFFF overlong in 4 bytes
      [[0xed, 0xa0, 0x80], 0], // U+D800, a surrogate
      [[0xed, 0xbf, 0xbf], 0], // U+DFFF
      [[0xf4, 0x90, 0x80, 0x80], 0], // U+110000
      [[0xc3, 0x41], 0], // a lead without its continuation
      [[0xc3, 0xc3, 0xa9], 0],
      [[0xe2, 0x82, 0x41], 0], // the third byte is not a continuation
      [[0xf0, 0x9f, 0x98, 0x41], 0], // nor the fourth
      [[0x61, 0x62, 0xe2, 0x82], 2], // cut short at the end
      [[0xf0, 0x9f, 0x98], 0],
      [[0xc3], 0],
      [[0xc3, 0xa9, 0xff], 2], // after é (2 bytes)
      [[0xe2, 0x82, 0xac, 0xff], 3], // after € (3 bytes)
      [[0xf0, 0x9f, 0x98, 0x80, 0xff], 4], // after 😀 (4 bytes)
      [[0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0x80], 6],
    ];
    for (const [input, offset] of cases) {
      assert.equal(firstInvalidUtf8(new Uint8Array(input)), offset, Buffer.from(input).toString('hex'));
    }
  });
});

describe('decodeText: UTF-8', () => {
  it('reads UTF-8, the default, and an empty file as empty text', () => {
    assert.equal(decodeText(new Uint8Array()), '');
    assert.equal(decodeText(Buffer.from('name,gp\r\nJosé Núñez,€5 😀\r\n')), 'name,gp\r\nJosé Núñez,€5 😀\r\n');
    assert.equal(decodeText(Buffer.from('José'), 'utf-8'), 'José');
  });

  it('drops one leading UTF-8 BOM, and only one', () => {
    assert.equal(decodeText(bytes([0xef, 0xbb, 0xbf], 'a,b')), 'a,b');
    assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf])), '');
    assert.equal(decodeText(bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'a')), '\uFEFFa');
    assert.equal(decodeText(bytes('a', [0xef, 0xbb, 0xbf])), 'a\uFEFF');
  });

  it('reads valid UTF-8 as UTF-8 even when Windows-1252 is declared', () => {
    // Ã© would be the Windows-1252 reading of these bytes.
    assert.equal(decodeText(new Uint8Array([0xc3, 0xa9]), 'windows-1252'), 'é');
    assert.equal(decodeText(bytes([0xef, 0xbb, 0xbf], 'x'), 'windows-1252'), 'x');
  });

  it('refuses bytes that are not UTF-8 with a 415 naming the byte, its row (lines counted by LF) and offset', () => {
    // "José" as Windows-1252 on the third line: offset 5 ("a,b\r\n") + 4 ("c,d\n") + 3 ("Jos") = 12.
    assert.deepEqual(refusal(bytes('a,b\r\n', 'c,d\n', 'Jos', [0xe9])), {
      kind: 'unsupported',
      code: 'unsupported-encoding',
      message: `The file is not valid UTF-8: byte 0xE9 at row 3 (offset 12). ${UTF8_HINT}`,
      details: { row: 3, offset: 12, byte: '0xE9' },
    });
    // A bad byte first in the file; CR alone does not end a row.
    assert.deepEqual(refusal(bytes([0xff], '\n')).details, { row: 1, offset: 0, byte: '0xFF' });
    assert.deepEqual(refusal(bytes('a\rb\r', [0x80])).details, { row: 1, offset: 4, byte: '0x80' });
    // The first bad byte is named, not a later one, and an explicit utf-8 is the default.
    assert.deepEqual(refusal(bytes('ok\n\n', [0xc3, 0x28], '\n', [0xff]), 'utf-8').details, { row: 3, offset: 4, byte: '0xC3' });
  });

  it('refuses a UTF-8 BOM followed by bytes that are not UTF-8, even when Windows-1252 is declared', () => {
    assert.deepEqual(refusal(bytes([0xef, 0xbb, 0xbf], 'Jos', [0xe9])), {
      kind: 'unsupported',
      code: 'unsupported-encoding',
      message: `The file is not valid UTF-8: byte 0xE9 at row 1 (offset 6). ${UTF8_HINT}`,
      details: { row: 1, offset: 6, byte: '0xE9' },
    });
    assert.deepEqual(refusal(bytes([0xef, 0xbb, 0xbf], 'Jos', [0xe9]), 'windows-1252'), {
      kind: 'unsupported',
      code: 'unsupported-encoding',
      message: `The file is not valid UTF-8: byte 0xE9 at row 1 (offset 6). ${BOM_HINT}`,
      details: { row: 1, offset: 6, byte: '0xE9' },
    });
  });
});

describe('decodeText: UTF-16', () => {
  it('refuses UTF-16 by its BOM, little- or big-endian, whatever charset is declared', () => {
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from('a,b', 'utf16le')]);
    const be = new Uint8Array([0xfe, 0xff, ...Buffer.from('a,b', 'utf16le').swap16()]);
    for (const input of [le, be, new Uint8Array([0xff, 0xfe]), new Uint8Array([0xfe, 0xff])]) {
      for (const charset of ['utf-8', 'windows-1252'] as const) {
        assert.deepEqual(refusal(input, charset), { kind: 'unsupported', code: 'unsupported-encoding', message: UTF16, details: {} });
      }
    }
  });

  it('takes only those two byte pairs for a UTF-16 BOM', () => {
    // Each is one of the BOM bytes beside another byte: read as Windows-1252 when declared.
    assert.equal(decodeText(new Uint8Array([0xff, 0x41]), 'windows-1252'), 'ÿA');
    assert.equal(decodeText(new Uint8Array([0x41, 0xfe]), 'windows-1252'), 'Aþ');
    assert.equal(decodeText(new Uint8Array([0xfe, 0x41]), 'windows-1252'), 'þA');
    assert.equal(decodeText(new Uint8Array([0x41, 0xff]), 'windows-1252'), 'Aÿ');
    assert.equal(decodeText(new Uint8Array([0xff, 0xff]), 'windows-1252'), 'ÿÿ');
    assert.equal(decodeText(new Uint8Array([0xfe, 0xfe]), 'windows-1252'), 'þþ');
    assert.equal(decodeText(new Uint8Array([0xff]), 'windows-1252'), 'ÿ');
    assert.equal(decodeText(new Uint8Array([0xfe]), 'windows-1252'), 'þ');
    // Undeclared, they are bytes that are not UTF-8.
    assert.deepEqual(refusal(new Uint8Array([0xff, 0x41])).details, { row: 1, offset: 0, byte: '0xFF' });
    assert.deepEqual(refusal(new Uint8Array([0x41, 0xfe])).details, { row: 1, offset: 1, byte: '0xFE' });
    assert.deepEqual(refusal(new Uint8Array([0xfe])).details, { row: 1, offset: 0, byte: '0xFE' });
  });

  it('without a BOM, UTF-16 is read as bytes: ASCII text comes out with U+0000 between letters, anything else is not UTF-8', () => {
    // "ab" in UTF-16LE is valid UTF-8 (NUL is ASCII); the CSV reader refuses the U+0000 cells later.
    assert.equal(decodeText(new Uint8Array(Buffer.from('ab', 'utf16le'))), 'a\u0000b\u0000');
    // "é" in UTF-16BE is 00 E9: 0xE9 starts a 3-byte sequence that does not follow.
    assert.deepEqual(refusal(new Uint8Array([0x00, 0xe9])).details, { row: 1, offset: 1, byte: '0xE9' });
  });
});

describe('decodeText: Windows-1252', () => {
  it('reads every defined byte when declared, 0x80–0x9F as Windows-1252 has them (not C1 controls)', () => {
    assert.equal(decodeText(bytes('Jos', [0xe9], ' N', [0xfa, 0xf1], 'ez'), 'windows-1252'), 'José Núñez');
    assert.equal(decodeText(new Uint8Array([0x80, 0x8a, 0x8e, 0x91, 0x92, 0x96, 0x9f, 0xa0, 0xa3]), 'windows-1252'), '€ŠŽ‘’–Ÿ\u00a0£');
    // A UTF-8 BOM cut short is not a BOM: ï» then x.
    assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0x78]), 'windows-1252'), 'ï»x');
  });

  it('reads a view into a larger buffer from its own start', () => {
    const whole = bytes('xx', 'Jos', [0xe9], 'yy');
    assert.equal(decodeText(whole.subarray(2, 6), 'windows-1252'), 'José');
  });

  it('refuses the five bytes Windows-1252 leaves undefined, naming the first', () => {
    for (const byte of [0x81, 0x8d, 0x8f, 0x90, 0x9d]) {
      const hex = `0x${byte.toString(16).toUpperCase()}`;
      // 0xE9 (é) comes first but is defined; the undefined byte is on row 2 at offset 5.
      assert.deepEqual(refusal(bytes('Jos', [0xe9], '\n', [byte], [0x81]), 'windows-1252'), {
        kind: 'unsupported',
        code: 'unsupported-encoding',
        message: `The file is not Windows-1252: byte ${hex} at row 2 (offset 5). That byte has no character in Windows-1252.`,
        details: { row: 2, offset: 5, byte: hex },
      });
    }
  });
});
