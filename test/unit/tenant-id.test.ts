import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuidV5 } from '../../src/db/tenant-id.js';

test('uuidV5 matches the RFC 9562 test vector', () => {
  // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
  assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
});
