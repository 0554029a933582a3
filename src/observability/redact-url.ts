/**
 * Query parameters whose values are credentials: OAuth/Supabase tokens (`access_token`,
 * `refresh_token`, `id_token`, `provider_token`, an authorisation `code`), API keys, secrets,
 * passwords and signatures. A client that puts a sign-in redirect's `#access_token=` into the query
 * by mistake (or a link shared with one) must not leave the token in a log line or an error report.
 */
const SECRET_PARAMETER = /^(?:.*token.*|code|jwt|apikey|api_key|key|secret|client_secret|password|passwd|signature|sig)$/i;

/** A parameter name as written in a URL (`%61ccess_token` is `access_token`). */
function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * The URL (a path with a query, or an absolute URL) with the value of every credential-like query
 * parameter replaced by `[redacted]`; everything else, and the URL without a query, unchanged.
 */
export function redactUrl(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const hash = url.indexOf('#', question);
  const query = url.slice(question + 1, hash < 0 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && SECRET_PARAMETER.test(decodedName(name)) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, question + 1)}${redacted}${hash < 0 ? '' : url.slice(hash)}`;
}

/** Credential-like `name=value` pairs anywhere in a text (an error message quoting a URL, a fragment). */
const SECRET_PAIR = /\b((?:access|refresh|id|provider|provider_refresh)_token|token|code|api_?key|client_secret|password|signature)=[^\s&"'#<>]+/gi;
/** A JWT (three base64url parts, the first a JSON header). */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/** A free text with credential-like query pairs and JWTs cut out. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PAIR, '$1=[redacted]').replace(JWT, '[token]');
}
