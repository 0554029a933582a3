/**
 * Market names and where they are on a map. Imports spell markets however the sender's CRM does
 * ("Phoenix AZ", "phoenix, az", "Phoenix, Arizona"), and the same market spelt two ways would show
 * as two dots and split its termination rate; so every name goes through {@link normaliseMarketName}
 * before it is grouped. The coordinate table ships with the code because the Markets map must
 * render with no internet and no geocoding service.
 */

export interface Coordinates {
  lat: number;
  lon: number;
}

/** Two-letter codes by lower-case state name, so "Phoenix, Arizona" becomes "Phoenix, AZ". */
const STATE_CODES: Readonly<Record<string, string>> = {
  alabama: 'AL', alaska: 'AK', arizona: 'AZ', arkansas: 'AR', california: 'CA', colorado: 'CO',
  connecticut: 'CT', delaware: 'DE', 'district of columbia': 'DC', florida: 'FL', georgia: 'GA',
  hawaii: 'HI', idaho: 'ID', illinois: 'IL', indiana: 'IN', iowa: 'IA', kansas: 'KS', kentucky: 'KY',
  louisiana: 'LA', maine: 'ME', maryland: 'MD', massachusetts: 'MA', michigan: 'MI', minnesota: 'MN',
  mississippi: 'MS', missouri: 'MO', montana: 'MT', nebraska: 'NE', nevada: 'NV', 'new hampshire': 'NH',
  'new jersey': 'NJ', 'new mexico': 'NM', 'new york': 'NY', 'north carolina': 'NC', 'north dakota': 'ND',
  ohio: 'OH', oklahoma: 'OK', oregon: 'OR', pennsylvania: 'PA', 'rhode island': 'RI',
  'south carolina': 'SC', 'south dakota': 'SD', tennessee: 'TN', texas: 'TX', utah: 'UT', vermont: 'VT',
  virginia: 'VA', washington: 'WA', 'west virginia': 'WV', wisconsin: 'WI', wyoming: 'WY',
};
const STATE_CODE_SET = new Set(Object.values(STATE_CODES));

/**
 * City-centre coordinates of common US wholesaling markets, rounded to 0.01° (about 1 km): enough
 * for a metro-level dot, and no pretence of street precision.
 */
const METROS: ReadonlyArray<readonly [name: string, lat: number, lon: number]> = [
  ['Albany, NY', 42.65, -73.76], ['Albuquerque, NM', 35.08, -106.65], ['Anchorage, AK', 61.22, -149.9],
  ['Atlanta, GA', 33.75, -84.39], ['Augusta, GA', 33.47, -81.97], ['Austin, TX', 30.27, -97.74],
  ['Bakersfield, CA', 35.37, -119.02], ['Baltimore, MD', 39.29, -76.61], ['Baton Rouge, LA', 30.45, -91.19],
  ['Birmingham, AL', 33.52, -86.81], ['Boise, ID', 43.62, -116.2], ['Boston, MA', 42.36, -71.06],
  ['Buffalo, NY', 42.89, -78.88], ['Charleston, SC', 32.78, -79.93], ['Charlotte, NC', 35.23, -80.84],
  ['Chattanooga, TN', 35.05, -85.31], ['Chicago, IL', 41.88, -87.63], ['Cincinnati, OH', 39.1, -84.51],
  ['Cleveland, OH', 41.5, -81.69], ['Colorado Springs, CO', 38.83, -104.82], ['Columbia, SC', 34.0, -81.03],
  ['Columbus, OH', 39.96, -83.0], ['Corpus Christi, TX', 27.8, -97.4], ['Dallas, TX', 32.78, -96.8],
  ['Dayton, OH', 39.76, -84.19], ['Denver, CO', 39.74, -104.99], ['Detroit, MI', 42.33, -83.05],
  ['El Paso, TX', 31.76, -106.49], ['Fort Lauderdale, FL', 26.12, -80.14], ['Fort Myers, FL', 26.64, -81.87],
  ['Fort Worth, TX', 32.76, -97.33], ['Fresno, CA', 36.74, -119.79], ['Grand Rapids, MI', 42.96, -85.67],
  ['Greensboro, NC', 36.07, -79.79], ['Greenville, SC', 34.85, -82.4], ['Hartford, CT', 41.76, -72.68],
  ['Honolulu, HI', 21.31, -157.86], ['Houston, TX', 29.76, -95.37], ['Huntsville, AL', 34.73, -86.59],
  ['Indianapolis, IN', 39.77, -86.16], ['Jackson, MS', 32.3, -90.18], ['Jacksonville, FL', 30.33, -81.66],
  ['Kansas City, MO', 39.1, -94.58], ['Knoxville, TN', 35.96, -83.92], ['Lakeland, FL', 28.04, -81.95],
  ['Las Vegas, NV', 36.17, -115.14], ['Lexington, KY', 38.04, -84.5], ['Little Rock, AR', 34.75, -92.29],
  ['Los Angeles, CA', 34.05, -118.24], ['Louisville, KY', 38.25, -85.76], ['McAllen, TX', 26.2, -98.23],
  ['Memphis, TN', 35.15, -90.05], ['Miami, FL', 25.76, -80.19], ['Milwaukee, WI', 43.04, -87.91],
  ['Minneapolis, MN', 44.98, -93.27], ['Nashville, TN', 36.16, -86.78], ['New Orleans, LA', 29.95, -90.07],
  ['New York, NY', 40.71, -74.01], ['Newark, NJ', 40.74, -74.17], ['Oklahoma City, OK', 35.47, -97.52],
  ['Omaha, NE', 41.26, -95.93], ['Orlando, FL', 28.54, -81.38], ['Philadelphia, PA', 39.95, -75.17],
  ['Phoenix, AZ', 33.45, -112.07], ['Pittsburgh, PA', 40.44, -80.0], ['Portland, OR', 45.52, -122.68],
  ['Providence, RI', 41.82, -71.41], ['Raleigh, NC', 35.78, -78.64], ['Reno, NV', 39.53, -119.81],
  ['Richmond, VA', 37.54, -77.44], ['Riverside, CA', 33.95, -117.4], ['Rochester, NY', 43.16, -77.61],
  ['Sacramento, CA', 38.58, -121.49], ['Salt Lake City, UT', 40.76, -111.89], ['San Antonio, TX', 29.42, -98.49],
  ['San Diego, CA', 32.72, -117.16], ['San Francisco, CA', 37.77, -122.42], ['San Jose, CA', 37.34, -121.89],
  ['Savannah, GA', 32.08, -81.09], ['Seattle, WA', 47.61, -122.33], ['Spokane, WA', 47.66, -117.43],
  ['St. Louis, MO', 38.63, -90.2], ['Tampa, FL', 27.95, -82.46], ['Toledo, OH', 41.65, -83.54],
  ['Tucson, AZ', 32.22, -110.97], ['Tulsa, OK', 36.15, -95.99], ['Virginia Beach, VA', 36.85, -75.98],
  ['Washington, DC', 38.91, -77.04], ['West Palm Beach, FL', 26.72, -80.05],
];

/** Shorthands people actually type for a few metros, keyed like {@link cityKey}. */
const ALIASES: Readonly<Record<string, string>> = {
  dfw: 'Dallas, TX',
  'dallas fort worth': 'Dallas, TX',
  nyc: 'New York, NY',
  'new york city': 'New York, NY',
  la: 'Los Angeles, CA',
  'washington dc': 'Washington, DC',
  dc: 'Washington, DC',
  okc: 'Oklahoma City, OK',
  slc: 'Salt Lake City, UT',
  kc: 'Kansas City, MO',
};

/** Lower case, no periods, hyphens as spaces, "saint" as "st": how two spellings of a city meet. */
function cityKey(city: string): string {
  return city
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[-\s]+/g, ' ')
    .replace(/^saint /, 'st ')
    .trim();
}

interface Metro extends Coordinates {
  name: string;
}

const METRO_BY_KEY = new Map<string, Metro>();
/** City keys that name exactly one metro of the table, so "Phoenix" alone can still be placed. */
const METRO_BY_CITY = new Map<string, Metro | null>();
for (const [name, lat, lon] of METROS) {
  const [city = '', state = ''] = name.split(', ');
  const metro: Metro = { name, lat, lon };
  METRO_BY_KEY.set(`${cityKey(city)}|${state}`, metro);
  const key = cityKey(city);
  METRO_BY_CITY.set(key, METRO_BY_CITY.has(key) ? null : metro);
}

/** The canonical names of every shipped metro, alphabetical. */
export const KNOWN_MARKETS: readonly string[] = METROS.map(([name]) => name);

function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/** State code for "AZ", "az", "Arizona"; null when the text is not a state. */
function stateCode(text: string): string | null {
  const upper = text.replace(/\./g, '').trim().toUpperCase();
  if (STATE_CODE_SET.has(upper)) return upper;
  const key = text.trim().toLowerCase();
  // Own keys only: a market called "constructor" or "__proto__" must not find Object.prototype.
  return Object.hasOwn(STATE_CODES, key) ? STATE_CODES[key]! : null;
}

/** Splits "City, ST", "City ST", "City, State Name" or "City State Name" into its parts. */
function splitCityState(text: string): { city: string; state: string | null } {
  const comma = text.lastIndexOf(',');
  if (comma >= 0) {
    const state = stateCode(text.slice(comma + 1));
    if (state) return { city: text.slice(0, comma).trim(), state };
  }
  const words = text.split(' ');
  // Try the longest state name first so "Kansas City Missouri" does not end at "Missouri" alone by
  // luck, and "New York New York" splits as city "New York", state "New York".
  for (let take = Math.min(3, words.length - 1); take >= 1; take -= 1) {
    const state = stateCode(words.slice(-take).join(' '));
    if (state) return { city: words.slice(0, -take).join(' ').replace(/,$/, ''), state };
  }
  return { city: text.replace(/,$/, ''), state: null };
}

/**
 * The one spelling of a market name: known metros come back exactly as in the table ("phoenix az" →
 * "Phoenix, AZ"); other "City, ST" names are title-cased with an upper-case state code; anything
 * else is only trimmed and has its spaces collapsed, because guessing further would merge markets
 * that are not the same. Empty input stays empty (callers treat it as "no market").
 */
export function normaliseMarketName(name: string): string {
  const text = name.replace(/\s+/g, ' ').trim();
  if (text === '') return '';
  const aliasKey = cityKey(text.replace(/,/g, ' '));
  if (Object.hasOwn(ALIASES, aliasKey)) return ALIASES[aliasKey]!;
  const { city, state } = splitCityState(text);
  if (state) {
    const known = METRO_BY_KEY.get(`${cityKey(city)}|${state}`);
    if (known) return known.name;
    return `${titleCase(city)}, ${state}`;
  }
  const byCity = METRO_BY_CITY.get(cityKey(city));
  if (byCity) return byCity.name;
  return text;
}

function validCoordinates(given: Coordinates | null | undefined): given is Coordinates {
  return (
    given !== null &&
    given !== undefined &&
    Number.isFinite(given.lat) &&
    Number.isFinite(given.lon) &&
    Math.abs(given.lat) <= 90 &&
    Math.abs(given.lon) <= 180
  );
}

/**
 * Where to draw a market: coordinates given at import win (the tenant knows its own markets, and a
 * table can never list every county seat), then the shipped table, else null (listed, not drawn).
 */
export function coordinatesFor(name: string, given?: Coordinates | null): Coordinates | null {
  if (validCoordinates(given)) return { lat: given.lat, lon: given.lon };
  const { city, state } = splitCityState(normaliseMarketName(name));
  const metro = state ? METRO_BY_KEY.get(`${cityKey(city)}|${state}`) : undefined;
  return metro ? { lat: metro.lat, lon: metro.lon } : null;
}
