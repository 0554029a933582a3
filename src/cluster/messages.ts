/**
 * What the cluster's processes tell each other over their IPC channel (src/main.ts, src/cluster/).
 * Only what cannot go through the database or Redis: a worker is listening. (Revoked sessions are
 * shared through Redis or PostgreSQL, src/services/sessions/revocations.ts, so every worker sees them.)
 */
export interface WorkerListening {
  type: 'cip:listening';
  port: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export function isWorkerListening(message: unknown): message is WorkerListening {
  return isObject(message) && message.type === 'cip:listening' && typeof message.port === 'number';
}
