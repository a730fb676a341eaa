import { showToast } from '../collections/toasts';

/** Copies text to the clipboard and says so (or why not: an insecure origin has no clipboard). */
export async function copyText(text: string, what = 'Copied'): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    showToast(what, 'info');
    return true;
  } catch {
    showToast('Copying failed: the browser did not allow the clipboard here.');
    return false;
  }
}
