/**
 * A hidden file input and its drop zone (a label for it) as one control: a file chosen, or dropped
 * on the zone, goes to `onFile`. Space opens a focused file input's picker; Enter, which people
 * press on anything that looks like a button, does too.
 */
export function wireFileDrop(input: HTMLInputElement, zone: HTMLElement, onFile: (file: File) => void): void {
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    input.click();
  });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onFile(file);
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const file = event.dataTransfer?.files[0];
    if (file) onFile(file);
  });
}
