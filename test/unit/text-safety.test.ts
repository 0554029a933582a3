import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unsafeTextIn, unsafeTextProblem } from '../../src/domain/text-safety.js';

test('text that can be stored passes: accents, emoji (a surrogate pair), other control characters', () => {
  for (const text of ['', 'José Núñez', '😀 Deal', '\ud83d\ude00', 'tab\there', '\u00a0', '\uFFFD']) assert.equal(unsafeTextProblem(text), null, JSON.stringify(text));
  assert.deepEqual(unsafeTextIn(JSON.parse('{"name":"\\ud83d\\ude00","n":[1,true,null]}')), []);
});

test('a NUL, or a high or low surrogate without its partner, is named with its pointer (keys included, escaped)', () => {
  for (const text of ['a\u0000', '\ud800', 'x\udc00y', '\ude00\ud83d', 'end\ud83d']) assert.ok(unsafeTextProblem(text), JSON.stringify(text));
  const document = JSON.parse('{"agents":[{"name":"ok"},{"name":"A\\u0000"}],"a/b~\\u0000":1,"deals":[{"id":"\\udfff"}]}');
  assert.deepEqual(
    unsafeTextIn(document).map((error) => error.pointer),
    ['/a~1b~0\ufffd', '/agents/1/name', '/deals/0/id'],
  );
  assert.equal(unsafeTextIn(Array.from({ length: 50 }, () => '\u0000')).length, 20, 'at most 20');
  assert.deepEqual(unsafeTextIn({ q: '\u0000' }, 5, '/querystring').map((error) => error.pointer), ['/querystring/q']);
});
