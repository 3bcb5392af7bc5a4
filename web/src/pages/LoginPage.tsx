import { useState } from 'react';
import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { ApiError, errorMessage } from '../api/problem.ts';
import { needsSecondFactor, startSession, useSession } from '../api/session.ts';
import { SecondFactorForm } from '../components/SecondFactorForm.tsx';
import { safeReturnPath, validateEmail } from '../lib/passwords.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { PublicLayout } from '../shell/PublicLayout.tsx';

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
  const failure = error && (rejected && !error.problem.detail ? t('auth.login.invalid') : errorMessage(error, t));
  const invalidProps = rejected ? { 'aria-describedby': 'login-error' } : {};

  return (
    <PublicLayout title={t('auth.login.title')} intro={t('auth.login.subtitle')}>
      <form onSubmit={login.onSubmit((values) => values)} noValidate>
        <Stack gap="md">
          {failure && (
            <Alert color="red" role="alert" id="login-error" data-testid="login-error">
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
          <Button type="submit" loading={login.isPending} fullWidth>
            {t('auth.login.submit')}
          </Button>
          <Anchor component={Link} to="/mot-de-passe-oublie" size="sm" ta="center">
            {t('auth.login.forgot')}
          </Anchor>
        </Stack>
      </form>
    </PublicLayout>
  );
}
