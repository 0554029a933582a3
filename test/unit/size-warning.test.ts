import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizeWarning } from '../../src/domain/imports/size-warning.js';

test('a month far from the typical agent count is said, with the typical count; near it, or without history, it is not', () => {
  assert.equal(sizeWarning(4, [30, 29, 31]), "This month has 4 agents; your months have about 30. Is it the whole month's file?");
  assert.equal(sizeWarning(70, [30, 31]), "This month has 70 agents; your months have about 31. Is it the whole month's file?");
  assert.equal(sizeWarning(1, [12]), "This month has 1 agent; your other month has about 12. Is it the whole month's file?");
  assert.equal(sizeWarning(16, [30, 29, 31]), null, 'over half');
  assert.equal(sizeWarning(60, [30, 29, 31]), null, 'at most double');
  assert.equal(sizeWarning(2, [4]), null, 'fewer than 3 apart');
  assert.equal(sizeWarning(4, []), null, 'the first month');
});
