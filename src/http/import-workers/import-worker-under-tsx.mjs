// The import worker's entry when the service runs from TypeScript sources (npm start, tests): worker
// threads do not inherit tsx's loader, so register it before loading ./import-worker.ts. A built
// service (dist/) loads import-worker.js directly and never reads this file.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./import-worker.ts');
export default worker.default;
