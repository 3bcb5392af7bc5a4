import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { ApiError, errorMessage } from '../api/problem.ts';
import { startSession, useSession } from '../api/session.ts';
import { safeReturnPath, validateEmail } from '../lib/passwords.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { PublicLayout } from '../shell/PublicLayout.tsx';

export default function LoginPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const session = useSession();
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
    onSuccess: (next) => startSession(queryClient, next),
  });

  if (session.data) return <Navigate to={safeReturnPath(params.get('retour'))} replace />;

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
            autoFocus
            {...form.getInputProps('email')}
            error={form.errors.email ?? rejected}
            {...invalidProps}
          />
          <PasswordInput
            label={t('auth.password')}
            autoComplete="current-password"
            required
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
