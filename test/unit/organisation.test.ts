/** The rules of an organisation's start and members (src/domain/organisation.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { leavesNoAdmin, promotionLastDay, roleOfNewUser } from '../../src/domain/organisation.js';

describe('promotionLastDay', () => {
  it('counts the first day: 90 days from 1 January end on 31 March (30 March in a leap year)', () => {
    assert.equal(promotionLastDay(new Date('2025-01-01T00:00:00Z'), 90), '2025-03-31'); // 31 + 28 + 31
    assert.equal(promotionLastDay(new Date('2024-01-01T00:00:00Z'), 90), '2024-03-30'); // 31 + 29 + 30
    assert.equal(promotionLastDay(new Date('2025-06-10T23:59:59Z'), 1), '2025-06-10', 'one day: today, whatever the hour (UTC)');
    assert.equal(promotionLastDay(new Date('2025-12-15T08:00:00Z'), 30), '2026-01-13'); // 17 days of December, 13 of January
    assert.equal(promotionLastDay(new Date('2025-02-28T12:00:00Z'), 2), '2025-03-01');
  });

  it('property: a promotion one day longer ends one day later', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 1, max: 1000 }), (today, days) => {
        const last = Date.parse(`${promotionLastDay(today, days)}T00:00:00Z`);
        const next = Date.parse(`${promotionLastDay(today, days + 1)}T00:00:00Z`);
        assert.equal(next - last, 86_400_000);
        const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
        assert.equal(last - start, (days - 1) * 86_400_000);
      }),
    );
  });
});

describe('roleOfNewUser', () => {
  it("the organisation's first user is its admin, later ones members", () => {
    assert.equal(roleOfNewUser(false), 'admin');
    assert.equal(roleOfNewUser(true), 'member');
  });
});

describe('leavesNoAdmin', () => {
  const admin = { role: 'admin' as const };
  const member = { role: 'member' as const };
  it('the last admin of an organisation with other users may not step down or be erased', () => {
    assert.equal(leavesNoAdmin(admin, 'member', { users: 1, admins: 0 }), true);
    assert.equal(leavesNoAdmin(admin, null, { users: 3, admins: 0 }), true);
  });

  it('another admin, no other user, staying admin, or not an admin: allowed', () => {
    assert.equal(leavesNoAdmin(admin, 'member', { users: 2, admins: 1 }), false);
    assert.equal(leavesNoAdmin(admin, null, { users: 0, admins: 0 }), false, 'alone, a user may do as they like');
    assert.equal(leavesNoAdmin(admin, 'admin', { users: 2, admins: 0 }), false);
    assert.equal(leavesNoAdmin(member, null, { users: 2, admins: 0 }), false);
    assert.equal(leavesNoAdmin(member, 'admin', { users: 2, admins: 0 }), false);
  });

  it('property: refused exactly when the organisation would keep users and lose its admins', () => {
    const role = fc.constantFrom('admin' as const, 'member' as const);
    fc.assert(
      fc.property(role, fc.option(role, { nil: null }), fc.nat(5), fc.nat(5), (current, next, users, admins) => {
        const adminsBefore = admins + (current === 'admin' ? 1 : 0);
        const adminsAfter = admins + (next === 'admin' ? 1 : 0);
        const refused = adminsBefore > 0 && adminsAfter === 0 && users > 0;
        assert.equal(leavesNoAdmin({ role: current }, next, { users, admins }), refused, `${current}→${next}, ${users} others, ${admins} admins`);
      }),
    );
  });
});
