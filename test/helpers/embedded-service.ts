import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `npm start` as a process of the test: the real entry (src/main.ts) in development mode. */
export interface DevService {
  process: ChildProcess;
  base: string;
  /** The demo tenant owner's token the service printed. */
  token: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Development mode on the embedded database in `dataDir`, without the caller's database, auth or Redis settings. */
export function devEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', PORT: '0', LOG_LEVEL: 'info', DATA_DIR: dataDir, ...extra };
  for (const key of ['DATABASE_URL', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'REDIS_URL']) if (!(key in extra)) delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith('CIP_TEST_')) delete env[key];
  return env;
}

/** Spawns the service; resolves once it printed its demo link (it listens), rejects if it exits first. */
export function spawnService(env: NodeJS.ProcessEnv, timeoutMs = 90_000): { child: ChildProcess; ready: Promise<DevService>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<DevService>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open the demo tenant: (http:\/\/localhost:\d+)\/#access_token=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, base: match[1]!.replace('localhost', '127.0.0.1'), token: match[2]!, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code ?? signal} before it was ready:\n${output}`));
    });
  });
  ready.catch(() => {});
  return { child, ready, output: () => output };
}
