// Sign-in: a Supabase-style redirect lands here with #access_token=<jwt>. The token is kept for the
// browser session only and removed from the address bar so it is not bookmarked or shared.
const TOKEN_KEY = 'cip.access_token';

function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('access_token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function show(html) {
  document.getElementById('status').innerHTML = html;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

async function main() {
  const token = takeTokenFromFragment();
  if (!token) {
    show('<p>You are not signed in. Open this app from the marketplace, or in development use the URL that <code>npm start</code> prints.</p>');
    return;
  }
  const response = await fetch('/api/v1/entitlements', { headers: { authorization: `Bearer ${token}` } });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    show('<p class="error">Your session has expired. Sign in again from the marketplace.</p>');
    return;
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    show(`<p class="error">${escapeHtml(problem.detail ?? response.statusText)}</p>`);
    return;
  }
  const access = await response.json();
  if (!access.commission_intelligence) {
    location.assign('/upgrade');
    return;
  }
  const days = access.promo_days_left === null ? '' : `<dt>Promotion</dt><dd>${access.promo_days_left} days left (until ${escapeHtml(access.promo_until)})</dd>`;
  show(`<h2>Signed in</h2><dl><dt>Subscription</dt><dd>${escapeHtml(access.subscription_tier)}</dd>${days}</dl>`);
}

main().catch((error) => show(`<p class="error">${escapeHtml(error.message)}</p>`));
