import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { errorMessage, fieldErrors } from '../api/problem.ts';
import { validateEmail } from '../lib/passwords.ts';
import { PublicLayout } from '../shell/PublicLayout.tsx';

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '' },
    validate: { email: (value) => validateEmail(value, t) },
  });
  const forgot = useMutation({
    mutationFn: (email: string) =>
      unwrap(api.POST('/api/v1/auth/password/forgot', { body: { email }, parseAs: 'text' })).then(() => email),
    onError: (error) => form.setErrors(fieldErrors(error)),
  });

  return (
    <PublicLayout title={t('auth.forgot.title')} intro={forgot.isSuccess ? undefined : t('auth.forgot.intro')}>
      <Stack gap="md">
        {forgot.isSuccess ? (
          <Alert color="green" role="status" data-testid="forgot-sent">
            {t('auth.forgot.sent', { email: forgot.data })}
          </Alert>
        ) : (
          <form onSubmit={form.onSubmit((values) => forgot.mutate(values.email.trim()))} noValidate>
            <Stack gap="md">
              {forgot.isError && (
                <Alert color="red" role="alert">
                  {errorMessage(forgot.error, t)}
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
              />
              <Button type="submit" loading={forgot.isPending} fullWidth>
                {t('auth.forgot.submit')}
              </Button>
            </Stack>
          </form>
        )}
        <Anchor component={Link} to="/connexion" size="sm" ta="center">
          {t('auth.forgot.back')}
        </Anchor>
      </Stack>
    </PublicLayout>
  );
}
