/**
 * `npm run postman`: docs/postman_collection.json from the OpenAPI document the server publishes
 * (openapi-to-postmanv2), committed so API users can import it without running anything.
 *
 * - Folders by tag, requests named by their summary, example bodies from the schemas' examples.
 * - Bearer auth once, at the collection level, from the `token` variable (`npm run token -- --tenant
 *   <org>` prints one in development); `baseUrl` defaults to http://localhost:8080.
 * - Optional query parameters are left out (Postman shows them, disabled), so each request as
 *   generated is one a server would accept.
 * - Server-Sent Event streams are left out: a collection runner waits for a response that ends.
 * - Generated ids are removed, so the file changes only when the API does.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { openapiDocument, type OpenApiDocument } from './openapi-document.js';

export const COLLECTION_FILE = fileURLToPath(new URL('../docs/postman_collection.json', import.meta.url));
/** Fixed, so the committed file is stable: Postman uses it to recognise a re-imported collection. */
const COLLECTION_ID = '6f1f3c1e-4b7e-4d43-9a59-0c3c1f0e5a10';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const PLACEHOLDER_TIME = '2025-01-01T00:00:00.000Z';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function withoutStreams(document: OpenApiDocument): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const [route, operations] of Object.entries(document.paths)) {
    const kept = Object.fromEntries(
      Object.entries(operations).filter(([, operation]) => {
        const content = (operation as { responses?: Record<string, { content?: Record<string, unknown> }> }).responses?.['200']?.content;
        return !(content && 'text/event-stream' in content);
      }),
    );
    if (Object.keys(kept).length > 0) paths[route] = kept;
  }
  return { ...document, paths };
}

/**
 * Drops the random ids the converter gives every item and variable, and the saved example
 * responses (values faked from the response schemas, e.g. `"status": 4515`, which would mislead
 * more than help; /docs shows the real schemas).
 */
function tidy(value: Json): Json {
  // Faked uuids (path ids) and date-times come from generators the seed does not reach: one fixed
  // id that no row has (to be replaced by a real one), one fixed time.
  if (typeof value === 'string' && UUID.test(value)) return PLACEHOLDER_ID;
  if (typeof value === 'string' && DATE_TIME.test(value)) return PLACEHOLDER_TIME;
  if (Array.isArray(value)) return value.map(tidy);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'id')
        .map(([key, field]) => [key, key === 'response' && Array.isArray(field) ? [] : tidy(field)]),
    );
  }
  return value;
}

/**
 * A seeded generator for the values the converter fakes (booleans of disabled query parameters,
 * bodies without examples), so the file is the same every run. Its schema faker takes its own
 * reference to Math.random when it loads, so the seeded one is in place before the import and is
 * reset before every conversion.
 */
const SEED = 2025;
let state = SEED;
function seededRandom(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

let converter: Promise<typeof import('openapi-to-postmanv2')> | undefined;
async function withSeededRandom<T>(work: (convert: (typeof import('openapi-to-postmanv2'))['convertV2']) => Promise<T>): Promise<T> {
  const random = Math.random;
  Math.random = seededRandom;
  state = SEED;
  try {
    converter ??= import('openapi-to-postmanv2');
    return await work((await converter).convertV2);
  } finally {
    Math.random = random;
  }
}

export async function postmanCollection(): Promise<Record<string, Json>> {
  const document = withoutStreams(await openapiDocument());
  const converted = await withSeededRandom((convertV2) => new Promise<Record<string, Json>>((resolve, reject) => {
    convertV2(
      { type: 'json', data: document },
      {
        folderStrategy: 'Tags',
        requestNameSource: 'Fallback',
        parametersResolution: 'Example',
        enableOptionalParameters: false,
        schemaFaker: false,
        alwaysInheritAuthentication: true,
        indentCharacter: 'Space',
      },
      (error, result) => {
        if (error) return reject(error);
        if (!result?.result) return reject(new Error(`conversion failed: ${result?.reason ?? 'no reason given'}`));
        const output = result.output?.[0];
        if (!output) return reject(new Error('conversion produced no collection'));
        resolve(output.data as Record<string, Json>);
      },
    );
  }));
  const collection = tidy(converted) as Record<string, Json>;
  const info = (collection.info ?? {}) as Record<string, Json>;
  return {
    ...collection,
    info: { ...info, _postman_id: COLLECTION_ID },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
    variable: [
      { key: 'baseUrl', value: 'http://localhost:8080', type: 'string' },
      { key: 'token', value: '', type: 'string', description: 'A bearer token: `npm run token -- --tenant <org> --role admin` in development.' },
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const collection = await postmanCollection();
  await writeFile(COLLECTION_FILE, `${JSON.stringify(collection, null, 2)}\n`);
  const count = JSON.stringify(collection).match(/"request":/g)?.length ?? 0;
  process.stdout.write(`wrote docs/postman_collection.json (${count} requests)\n`);
}
