import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { errorMessage } from '../api/problem.ts';

export function notifySuccess(message: string): void {
  notifications.show({ color: 'green', message, autoClose: 5000 });
}

export function notifyError(error: unknown, t: TFunction): void {
  notifications.show({ color: 'red', message: errorMessage(error, t), autoClose: 8000 });
}

/** Someone else changed the record meanwhile (412): orange, since nothing the person typed was wrong. */
export function notifyStale(message: string): void {
  notifications.show({ color: 'orange', message, autoClose: 10000 });
}

/** Done, but something deserves attention (a sale beyond the signed contract): orange, and it stays longer. */
export function notifyWarning(message: string): void {
  notifications.show({ color: 'orange', message, autoClose: 12000 });
}
