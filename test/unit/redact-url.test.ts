import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubText } from '../../src/observability/error-reporting.js';
import { redactSecrets, redactUrl } from '../../src/observability/redact-url.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.c2lnbmF0dXJlLXBhcnQ';

test('credential-like query values are cut out of a URL; the path and other parameters stay', () => {
  assert.equal(redactUrl(`/?access_token=${JWT}`), '/?access_token=[redacted]');
  assert.equal(redactUrl(`/api/v1/events?month=2025-09&access_token=${JWT}&view=data`), '/api/v1/events?month=2025-09&access_token=[redacted]&view=data');
  assert.equal(redactUrl(`https://app.example.test/cb?refresh_token=r1&id_token=i1&code=c1#x`), 'https://app.example.test/cb?refresh_token=[redacted]&id_token=[redacted]&code=[redacted]#x');
  // Encoded names and other spellings of a credential.
  assert.equal(redactUrl('/x?%61ccess_token=abc&api_key=k&apikey=k&TOKEN=t&client_secret=s&password=p&signature=g'), '/x?%61ccess_token=[redacted]&api_key=[redacted]&apikey=[redacted]&TOKEN=[redacted]&client_secret=[redacted]&password=[redacted]&signature=[redacted]');
  assert.equal(redactUrl('/api/v1/analytics/summary?period=all'), '/api/v1/analytics/summary?period=all');
  assert.equal(redactUrl('/api/v1/commissions/2025-09'), '/api/v1/commissions/2025-09');
  assert.equal(redactUrl('/x?flag&access_token'), '/x?flag&access_token', 'a name without a value has nothing to cut');
});

test('tokens in free text (an error message quoting a fragment or a bare token) are cut out', () => {
  assert.equal(redactSecrets(`redirect to /#access_token=${JWT}&type=recovery`), 'redirect to /#access_token=[redacted]&type=recovery');
  assert.equal(redactSecrets(`token rejected: ${JWT}`), 'token rejected: [token]');
  assert.equal(redactSecrets('nothing secret here'), 'nothing secret here');
  // What Sentry is sent: the same, plus the query strings and e-mail addresses scrubText already cut.
  assert.equal(scrubText(`callback /#access_token=${JWT} for a@b.example`, []), 'callback /#access_token=[redacted] for [email]');
  assert.equal(scrubText(`verify failed for ${JWT}`, []), 'verify failed for [token]');
});
