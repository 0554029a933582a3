// Sign-in: a Supabase-style redirect lands here with #access_token=<jwt>. The token is kept for the
// browser session only and removed from the address bar so it is not bookmarked or shared.
const TOKEN_KEY = 'cip.access_token';

export function takeTokenFromFragment(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('access_token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function currentToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The claims, for display only (the server verifies the token; this never trusts it for access). */
export function tokenClaims(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Whether to offer admin controls. The server decides (writes answer 403 to others); a token
 * without a role may still be the organisation's first user, an admin.
 */
export function mayBeAdmin(): boolean {
  const token = currentToken();
  const metadata = token ? (tokenClaims(token).app_metadata as { role?: unknown } | undefined) : undefined;
  return metadata?.role === undefined || metadata.role === 'admin';
}
