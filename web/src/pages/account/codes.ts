/** Small helpers of the two-factor card: the secret by groups, copying and downloading text. */
import type { TFunction } from 'i18next';
import { notifications } from '@mantine/notifications';
import { saveBlob } from '../../lib/download.ts';
import { notifySuccess } from '../../lib/notify.ts';

/** "JBSW Y3DP EHPK 3PXP": the secret by groups of 4, easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/** Copies `text` to the clipboard and says so (or that it failed: the text stays selectable on the page). */
export async function copyText(text: string, done: string, t: TFunction): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    notifySuccess(done);
  } catch {
    notifications.show({ color: 'red', message: t('account.twoFactor.copyFailed'), autoClose: 8000 });
  }
}

/** Saves `text` as a file named `name` (a plain-text download, made in the browser). */
export function downloadText(name: string, text: string): void {
  saveBlob(name, new Blob([text], { type: 'text/plain;charset=utf-8' }));
}
