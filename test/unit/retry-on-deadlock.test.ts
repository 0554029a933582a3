/** retryOnDeadlock: pg-boss queue creation picked as a deadlock victim is run again, nothing else is. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryOnDeadlock } from '../../src/jobs/report-jobs.js';

const failure = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

test('runs again after a deadlock, and answers what the later run gives', async () => {
  let calls = 0;
  const result = await retryOnDeadlock(async () => {
    calls += 1;
    if (calls < 3) throw failure('40P01');
    return 'created';
  });
  assert.equal(result, 'created');
  assert.equal(calls, 3);
});

test('passes any other error through at once', async () => {
  let calls = 0;
  await assert.rejects(
    retryOnDeadlock(async () => {
      calls += 1;
      throw failure('42P07');
    }),
    /42P07/,
  );
  assert.equal(calls, 1);
});

test('gives up after the attempts it is allowed', async () => {
  let calls = 0;
  await assert.rejects(
    retryOnDeadlock(async () => {
      calls += 1;
      throw failure('40P01');
    }, 3),
    /40P01/,
  );
  assert.equal(calls, 3);
});
