import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Button, Divider, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { ApiError, errorMessage } from '../api/problem.ts';
import { needsSecondFactor, startSession, useSession } from '../api/session.ts';
import { SecondFactorForm } from '../components/SecondFactorForm.tsx';
import { getPasskey, PasskeyError, passkeysSupported } from '../lib/passkeys.ts';
import { safeReturnPath, validateEmail } from '../lib/passwords.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { PublicLayout } from '../shell/PublicLayout.tsx';

/** Why the passkey login did not open a session: the browser's reason, or the server's French one. */
function passkeyFailure(error: Error, t: TFunction): string {
  if (error instanceof PasskeyError) return error.reason === 'cancelled' ? t('auth.passkey.cancelled') : t('auth.passkey.failed');
  if (error instanceof ApiError && error.status === 401 && !error.problem.detail) return t('auth.passkey.failed');
  return errorMessage(error, t);
}

export default function LoginPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const session = useSession();
  // The password was right and the account has 2FA on: a code is asked before the session opens.
  const [secondStep, setSecondStep] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', password: '' },
    validate: {
      email: (value) => validateEmail(value, t),
      password: (value) => (value.length === 0 ? t('validation.required') : null),
    },
  });
  const login = useApiForm(form, {
    mutationFn: (values: { email: string; password: string }) =>
      unwrap(api.POST('/api/v1/auth/login', { body: { email: values.email.trim(), password: values.password } })),
    meta: { authForm: true },
    onSuccess: (answer) => {
      if (needsSecondFactor(answer)) setSecondStep(true);
      else startSession(queryClient, answer);
    },
  });
  // A passkey is both factors: no e-mail, no password, no code; the browser finds the person's key.
  const supported = passkeysSupported();
  const passkeyButton = useRef<HTMLButtonElement>(null);
  const passkey = useMutation({
    mutationFn: async () => {
      const { ceremony, options } = await unwrap(api.POST('/api/v1/auth/passkey/options'));
      const credential = await getPasskey(options);
      // The schema types WebAuthn's JSON only as "an object".
      return unwrap(api.POST('/api/v1/auth/passkey', { body: { ceremony, credential: credential as Record<string, never> } }));
    },
    // Refused answers 422 (or 401): that is not a lost session.
    meta: { authForm: true },
    onSuccess: (next) => startSession(queryClient, next),
  });
  // Cancelled or refused: the button (disabled while the browser's dialog was open) takes the focus back; the alert says why.
  useEffect(() => {
    if (passkey.error) passkeyButton.current?.focus();
  }, [passkey.error]);

  if (session.data) return <Navigate to={safeReturnPath(params.get('retour'))} replace />;

  if (secondStep) {
    const restart = () => {
      login.reset();
      form.setFieldValue('password', '');
      setSecondStep(false);
    };
    return (
      <PublicLayout title={t('auth.secondFactor.title')} intro={t('auth.secondFactor.intro')}>
        <SecondFactorForm onSession={(next) => startSession(queryClient, next)} onRestart={restart} />
      </PublicLayout>
    );
  }

  // Wrong credentials: both fields are marked invalid (aria-invalid) and described by the alert.
  const error = login.failure;
  const rejected = error instanceof ApiError && error.status === 401;
  const passwordFailure = error && (rejected && !error.problem.detail ? t('auth.login.invalid') : errorMessage(error, t));
  // Only one of the two ways has been tried last (each one clears the other's failure).
  const failure = passkey.error ? passkeyFailure(passkey.error, t) : passwordFailure;
  // A cancelled passkey dialog is no error: orange.
  const cancelled = passkey.error instanceof PasskeyError && passkey.error.reason === 'cancelled';
  const invalidProps = rejected ? { 'aria-describedby': 'login-error' } : {};
  const submitPassword = login.onSubmit((values) => values);

  const withPasskey = () => {
    login.reset();
    form.clearErrors();
    passkey.mutate();
  };

  return (
    <PublicLayout title={t('auth.login.title')} intro={t('auth.login.subtitle')}>
      <form
        onSubmit={(event) => {
          passkey.reset();
          submitPassword(event);
        }}
        noValidate
      >
        <Stack gap="md">
          {failure && (
            <Alert color={cancelled ? 'orange' : 'red'} role="alert" id="login-error" data-testid="login-error">
              {failure}
            </Alert>
          )}
          <TextInput
            label={t('auth.email')}
            type="email"
            autoComplete="username"
            inputMode="email"
            required
            autoFocus={form.values.email === ''}
            {...form.getInputProps('email')}
            error={form.errors.email ?? rejected}
            {...invalidProps}
          />
          <PasswordInput
            label={t('auth.password')}
            autoComplete="current-password"
            required
            // Back from the second step ("Recommencer"), the e-mail is still there: the password takes the focus.
            autoFocus={form.values.email !== ''}
            {...form.getInputProps('password')}
            error={form.errors.password ?? rejected}
            // Mantine's PasswordInput marks only its box: the field itself says it is invalid.
            aria-invalid={rejected || form.errors.password !== undefined || undefined}
            {...invalidProps}
          />
          <Button type="submit" loading={login.isPending} disabled={passkey.isPending} fullWidth>
            {t('auth.login.submit')}
          </Button>
          <Anchor component={Link} to="/mot-de-passe-oublie" size="sm" ta="center">
            {t('auth.login.forgot')}
          </Anchor>
        </Stack>
      </form>
      {supported && (
        <Stack gap="md" mt="md">
          <Divider label={t('auth.passkey.or')} labelPosition="center" />
          <Button
            variant="default"
            ref={passkeyButton}
            loading={passkey.isPending}
            disabled={login.isPending}
            onClick={withPasskey}
            fullWidth
            // A long label: it wraps on a phone rather than being cut.
            styles={{ root: { height: 'auto', minHeight: 'var(--button-height)', paddingBlock: 6 }, label: { whiteSpace: 'normal', textAlign: 'center', lineHeight: 1.35 } }}
          >
            {t('auth.passkey.submit')}
          </Button>
        </Stack>
      )}
    </PublicLayout>
  );
}
