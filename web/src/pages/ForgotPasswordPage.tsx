import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { FormError } from '../components/FormError.tsx';
import { validateEmail } from '../lib/passwords.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { PublicLayout } from '../shell/PublicLayout.tsx';

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '' },
    validate: { email: (value) => validateEmail(value, t) },
  });
  const forgot = useApiForm(form, {
    mutationFn: (email: string) =>
      unwrap(api.POST('/api/v1/auth/password/forgot', { body: { email }, parseAs: 'text' })).then(() => email),
  });

  return (
    <PublicLayout title={t('auth.forgot.title')} intro={forgot.isSuccess ? undefined : t('auth.forgot.intro')}>
      <Stack gap="md">
        {forgot.isSuccess ? (
          <Alert color="green" role="status" data-testid="forgot-sent">
            {t('auth.forgot.sent', { email: forgot.data })}
          </Alert>
        ) : (
          <form onSubmit={forgot.onSubmit((values) => values.email.trim())} noValidate>
            <Stack gap="md">
              <FormError error={forgot.failure} />
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
