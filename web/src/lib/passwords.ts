import type { TFunction } from 'i18next';

/** The server's rule for a new password; it checks again and answers 400 with `errors` if not met. */
export const PASSWORD_MIN_LENGTH = 10;

export function validateNewPassword(value: string, t: TFunction): string | null {
  if (value.length === 0) return t('validation.required');
  if (value.length < PASSWORD_MIN_LENGTH) return t('validation.passwordLength', { min: PASSWORD_MIN_LENGTH });
  return null;
}

export function validateConfirmation(value: string, password: string, t: TFunction): string | null {
  if (value.length === 0) return t('validation.required');
  return value === password ? null : t('validation.passwordMismatch');
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateEmail(value: string, t: TFunction): string | null {
  if (value.trim().length === 0) return t('validation.required');
  return EMAIL.test(value.trim()) ? null : t('validation.email');
}

/** A post-login destination coming from the URL must stay inside the app. */
export function safeReturnPath(value: string | null): string {
  if (value === null || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
