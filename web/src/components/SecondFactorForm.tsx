import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Button, Group, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Session } from '../api/client.ts';
import { ApiError, errorMessage } from '../api/problem.ts';
import { useApiForm } from '../lib/useApiForm.ts';

export interface SecondFactorFormProps {
  /** The session the right code opened (install it with `startSession`). */
  onSession: (session: Session) => void;
  /** Back to the password step ("Recommencer"): the pending login expires after five minutes anyway. */
  onRestart: () => void;
}

/** 6 digits, spaces allowed ("123 456", as some apps show them). */
const APP_CODE = /^\d{6}$/;

const compact = (value: string) => value.replace(/\s+/g, '');

/**
 * The second step of a login with two-factor authentication on (after the password, at login or when accepting an
 * invitation): a code of the authenticator app, or a recovery code, sent to `POST /auth/login/2fa`.
 */
export function SecondFactorForm({ onSession, onRestart }: SecondFactorFormProps) {
  const { t } = useTranslation();
  const [recovery, setRecovery] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { code: '' },
    validate: {
      code: (value) => {
        if (compact(value) === '') return t('validation.required');
        if (!recovery && !APP_CODE.test(compact(value))) return t('auth.secondFactor.codeFormat');
        return null;
      },
    },
  });
  const verify = useApiForm(form, {
    mutationFn: (code: string) => unwrap(api.POST('/api/v1/auth/login/2fa', { body: { code } })),
    // A wrong code answers 401: that is not a lost session.
    meta: { authForm: true },
    onSuccess: (session) => onSession(session),
    // The field keeps what was typed, selected, so that the next code replaces it.
    onError: () => {
      field.current?.focus();
      field.current?.select();
    },
  });

  // The field takes the focus when the step opens, and when switching between an app code and a recovery code.
  useEffect(() => {
    field.current?.focus();
  }, [recovery]);

  const toggle = () => {
    verify.reset();
    form.setValues({ code: '' });
    form.clearErrors();
    setRecovery((value) => !value);
  };

  const error = verify.failure;
  const rejected = error instanceof ApiError && error.status === 401;
  const failure = error && (rejected && !error.problem.detail ? t('auth.secondFactor.invalid') : errorMessage(error, t));
  // A refused code marks the field invalid; the alert above says why (and is announced).
  const common = { ref: field, required: true, ...form.getInputProps('code'), error: form.errors.code ?? rejected };

  return (
    <form onSubmit={verify.onSubmit((values) => (recovery ? values.code.trim() : compact(values.code)))} noValidate>
      <Stack gap="md">
        {failure && (
          <Alert color="red" role="alert" id="second-factor-error" data-testid="second-factor-error">
            {failure}
          </Alert>
        )}
        {recovery ? (
          <TextInput
            key="recovery"
            label={t('auth.secondFactor.recoveryLabel')}
            description={t('auth.secondFactor.recoveryHint')}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            {...common}
          />
        ) : (
          <TextInput
            key="app"
            label={t('auth.secondFactor.codeLabel')}
            description={t('auth.secondFactor.codeHint')}
            inputMode="numeric"
            autoComplete="one-time-code"
            {...common}
          />
        )}
        <Button type="submit" loading={verify.isPending} fullWidth>
          {t('auth.secondFactor.submit')}
        </Button>
        <Group justify="space-between" gap="xs">
          <Anchor component="button" type="button" size="sm" onClick={toggle}>
            {recovery ? t('auth.secondFactor.useApp') : t('auth.secondFactor.useRecovery')}
          </Anchor>
          <Anchor component="button" type="button" size="sm" onClick={onRestart}>
            {t('auth.secondFactor.restart')}
          </Anchor>
        </Group>
      </Stack>
    </form>
  );
}
