import { saveFile } from './csv';
import { currentToken, forgetToken } from './auth';

export const API = '/api/v1';

/** RFC 9457 problem+json as the API writes it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ pointer: string; message: string }>;
  upgrade_url?: string;
  [key: string]: unknown;
}

export type ErrorKind = 'network' | 'unauthorized' | 'paywall' | 'missing-route' | 'no-data' | 'http';

/** A failed call, with a message meant for people. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind,
    readonly status: number,
    readonly problem: Problem = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
  get pointers(): Array<{ pointer: string; message: string }> {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

/** Where the paywall sends people; GET /entitlements tells the real one. */
let upgradeUrl = '/upgrade';
export function setUpgradeUrl(url: string | undefined | null): void {
  if (url) upgradeUrl = url;
}

/** Leaves for the upgrade page; the reason goes along only to our own page. */
export function goToUpgrade(reason?: string): void {
  const url = new URL(upgradeUrl, location.origin);
  if (url.origin === location.origin && reason) url.searchParams.set('reason', reason);
  location.assign(url.toString());
}

type Listener = (busy: number) => void;
let inFlight = 0;
const busyListeners = new Set<Listener>();
export function onBusyChange(listener: Listener): void {
  busyListeners.add(listener);
}
function busy(delta: number) {
  inFlight += delta;
  for (const listener of busyListeners) listener(inFlight);
}

let onSignedOut: (message: string) => void = () => {};
export function setSignedOutHandler(handler: (message: string) => void): void {
  onSignedOut = handler;
}

function messageFor(status: number, problem: Problem, fallback: string): string {
  const detail = typeof problem.detail === 'string' && problem.detail ? problem.detail : undefined;
  switch (status) {
    case 401:
      return 'Your session has expired. Sign in again from the marketplace.';
    case 403:
      return detail ?? 'Only administrators of your organisation can do this.';
    case 413:
      return 'The file is too large to import.';
    case 415:
      return 'That kind of file cannot be imported: use a .json or .csv file.';
    case 429:
      return 'Too many requests just now. Wait a moment and try again.';
    default:
      if (status >= 500) return `The server had a problem (${status}). Try again in a moment.`;
      return detail ?? problem.title ?? fallback;
  }
}

/**
 * Turns a non-2xx response (its body already read) into an ApiError and acts on 401 and 402. A 402
 * leaves for the upgrade page unless `inlinePaywall`: for calls whose feature is an extra of the
 * view (an export, a plan feature), the view says so in place instead.
 */
export function failure(status: number, problem: Problem, statusText = '', inlinePaywall = false): ApiError {
  const message = messageFor(status, problem, statusText || `Request failed (${status})`);
  if (status === 401) {
    forgetToken();
    onSignedOut(message);
    return new ApiError(message, 'unauthorized', status, problem);
  }
  if (status === 402) {
    const words = `${problem.detail ?? 'Your subscription does not include this.'}`;
    if (inlinePaywall) return new ApiError(`${words} Ask your administrator to upgrade in the marketplace.`, 'http', status, problem);
    setUpgradeUrl(problem.upgrade_url);
    goToUpgrade(problem.detail);
    return new ApiError(words, 'paywall', status, problem);
  }
  if (status === 404 && typeof problem.detail === 'string' && problem.detail.startsWith('No route ')) {
    return new ApiError('This is not available yet on this server.', 'missing-route', status, problem);
  }
  if (status === 404 && problem.type?.endsWith('/no-data')) return new ApiError(message, 'no-data', status, problem);
  return new ApiError(message, 'http', status, problem);
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null ? (body as Problem) : {};
  } catch {
    return {};
  }
}

/** The open view, named on API calls (`x-cip-view`) so usage is counted per tab; never anything of the data. */
let currentView: string | undefined;
export function setCurrentView(view: string): void {
  currentView = view;
}
function viewHeader(): Record<string, string> {
  return currentView ? { 'x-cip-view': currentView } : {};
}

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const token = currentToken();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

export interface CallOptions {
  /** Report a 402 as an error in place rather than leaving for the upgrade page. */
  inlinePaywall?: boolean;
}

/** A fetch of the API with the bearer token; the raw response when it is 2xx. */
export async function apiResponse(path: string, init: RequestInit = {}, options: CallOptions = {}): Promise<Response> {
  busy(1);
  try {
    let response: Response;
    try {
      response = await fetch(`${API}${path}`, { ...init, headers: authHeaders({ ...viewHeader(), ...((init.headers as Record<string, string>) ?? {}) }) });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError('Cannot reach the server. Check your connection and try again.', 'network', 0);
    }
    if (!response.ok) throw failure(response.status, await readProblem(response), response.statusText, options.inlinePaywall);
    return response;
  } finally {
    busy(-1);
  }
}

export async function apiGet<T>(path: string, signal?: AbortSignal, options: CallOptions = {}): Promise<T> {
  const response = await apiResponse(path, signal ? { signal } : {}, options);
  return (await response.json()) as T;
}

export async function apiSend<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal, options: CallOptions = {}): Promise<T> {
  const response = await apiResponse(
    path,
    {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      ...(signal ? { signal } : {}),
    },
    options,
  );
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Saves a download that needs the bearer token (so a plain link cannot do it). */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await apiResponse(path, {}, { inlinePaywall: true });
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  saveFile(await response.blob(), name);
}

export interface UploadOptions {
  contentType: string;
  onProgress: (fraction: number) => void;
  idempotencyKey?: string;
}

/** POST with upload progress: fetch cannot report it, XMLHttpRequest can. */
export function upload<T>(path: string, body: Blob, options: UploadOptions): Promise<T> {
  busy(1);
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API}${path}`);
    for (const [name, value] of Object.entries(authHeaders({ ...viewHeader(), 'content-type': options.contentType }))) xhr.setRequestHeader(name, value);
    if (options.idempotencyKey) xhr.setRequestHeader('idempotency-key', options.idempotencyKey);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      busy(-1);
      let parsed: unknown = {};
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        // A non-JSON body is reported by status alone.
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress(1);
        resolve(parsed as T);
      } else reject(failure(xhr.status, (parsed ?? {}) as Problem, xhr.statusText));
    });
    const network = () => {
      busy(-1);
      reject(new ApiError('The upload did not reach the server. Check your connection and try again.', 'network', 0));
    };
    xhr.addEventListener('error', network);
    xhr.addEventListener('abort', network);
    xhr.send(body);
  });
}
