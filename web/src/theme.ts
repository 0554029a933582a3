/** Light and dark themes: the system's choice until the person picks one, which is kept. */
const KEY = 'cip.theme';
type Theme = 'light' | 'dark';

const media = window.matchMedia('(prefers-color-scheme: dark)');

// The person's choice, applied as the module loads (no inline script, so a strict CSP can hold).
try {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') document.documentElement.dataset.theme = saved;
} catch {
  // Storage blocked: the system theme.
}

export function currentTheme(): Theme {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return media.matches ? 'dark' : 'light';
}

export function setupTheme(button: HTMLButtonElement, onChange: () => void): void {
  const label = () => {
    const next = currentTheme() === 'dark' ? 'light' : 'dark';
    button.setAttribute('aria-label', `Switch to ${next} theme`);
    button.title = `Switch to ${next} theme`;
    button.textContent = currentTheme() === 'dark' ? '☀' : '☾';
  };
  label();
  button.addEventListener('click', () => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem(KEY, next);
    label();
    onChange();
  });
  media.addEventListener('change', () => {
    if (!localStorage.getItem(KEY)) {
      label();
      onChange();
    }
  });
}
