import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { errorMessage } from '../api/problem.ts';

export function notifySuccess(message: string): void {
  notifications.show({ color: 'green', message, autoClose: 5000 });
}

export function notifyError(error: unknown, t: TFunction): void {
  notifications.show({ color: 'red', message: errorMessage(error, t), autoClose: 8000 });
}
