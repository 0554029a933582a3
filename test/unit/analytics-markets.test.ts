import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KNOWN_MARKETS, coordinatesFor, normaliseMarketName } from '../../src/domain/analytics/markets.js';

describe('normaliseMarketName', () => {
  it('brings the spellings of one market together', () => {
    for (const spelling of ['Phoenix, AZ', 'Phoenix AZ', 'phoenix, az', 'PHOENIX,AZ', '  Phoenix ,  Arizona ', 'phoenix arizona', 'Phoenix']) {
      assert.equal(normaliseMarketName(spelling), 'Phoenix, AZ', spelling);
    }
  });

  it('knows saints, periods, hyphens, multi-word states and shorthands', () => {
    assert.equal(normaliseMarketName('St Louis MO'), 'St. Louis, MO');
    assert.equal(normaliseMarketName('saint louis, mo'), 'St. Louis, MO');
    assert.equal(normaliseMarketName('salt lake city utah'), 'Salt Lake City, UT');
    assert.equal(normaliseMarketName('Kansas City Missouri'), 'Kansas City, MO');
    assert.equal(normaliseMarketName('Raleigh, North Carolina'), 'Raleigh, NC');
    assert.equal(normaliseMarketName('new york new york'), 'New York, NY');
    assert.equal(normaliseMarketName('mcallen tx'), 'McAllen, TX');
    assert.equal(normaliseMarketName('DFW'), 'Dallas, TX');
  });

  it('tidies unknown "City, ST" names without inventing a metro', () => {
    assert.equal(normaliseMarketName('springfield il'), 'Springfield, IL');
    assert.equal(normaliseMarketName('winston-salem, nc'), 'Winston-Salem, NC');
    assert.equal(normaliseMarketName('  Greater   Tri-County Area '), 'Greater Tri-County Area');
    assert.equal(normaliseMarketName('   '), '');
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => normaliseMarketName(normaliseMarketName(text)) === normaliseMarketName(text)));
    for (const name of KNOWN_MARKETS) assert.equal(normaliseMarketName(name), name);
  });
});

describe('the shipped metro table', () => {
  it('covers at least 40 markets, the big metros among them', () => {
    assert.ok(KNOWN_MARKETS.length >= 40);
    for (const metro of ['Phoenix, AZ', 'Dallas, TX', 'Atlanta, GA', 'Houston, TX', 'Tampa, FL', 'Los Angeles, CA', 'Chicago, IL', 'New York, NY', 'Miami, FL', 'Philadelphia, PA']) {
      assert.ok(KNOWN_MARKETS.includes(metro), metro);
    }
  });

  it('has plausible US coordinates for every entry', () => {
    for (const name of KNOWN_MARKETS) {
      const place = coordinatesFor(name);
      assert.ok(place, name);
      assert.ok(place.lat > 18 && place.lat < 72 && place.lon > -170 && place.lon < -65, name);
    }
  });
});

describe('coordinatesFor', () => {
  it('reads the table through the normaliser', () => {
    assert.deepEqual(coordinatesFor('phoenix az'), { lat: 33.45, lon: -112.07 });
    assert.deepEqual(coordinatesFor('Atlanta, GA'), { lat: 33.75, lon: -84.39 });
  });

  it('lets coordinates given at import win', () => {
    assert.deepEqual(coordinatesFor('Phoenix, AZ', { lat: 33.5, lon: -112.1 }), { lat: 33.5, lon: -112.1 });
    assert.deepEqual(coordinatesFor('Smallville, KS', { lat: 39, lon: -98 }), { lat: 39, lon: -98 });
  });

  it('ignores impossible given coordinates and places unknown markets nowhere', () => {
    assert.deepEqual(coordinatesFor('Phoenix, AZ', { lat: 200, lon: -112 }), { lat: 33.45, lon: -112.07 });
    assert.deepEqual(coordinatesFor('Phoenix, AZ', { lat: Number.NaN, lon: 0 }), { lat: 33.45, lon: -112.07 });
    assert.equal(coordinatesFor('Smallville, KS'), null);
    assert.equal(coordinatesFor(''), null);
  });
});

it('market names that are Object.prototype keys stay plain names', () => {
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty, TX']) {
    const normalised = normaliseMarketName(name);
    assert.equal(typeof normalised, 'string', name);
    assert.equal(normaliseMarketName(normalised), normalised);
  }
  assert.equal(normaliseMarketName('constructor'), 'constructor');
});
