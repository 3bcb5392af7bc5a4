import { Alert, Anchor, Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { FormError } from '../components/FormError.tsx';
import { notifySuccess } from '../lib/notify.ts';
import { PASSWORD_MIN_LENGTH, validateConfirmation, validateNewPassword } from '../lib/passwords.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { PublicLayout } from '../shell/PublicLayout.tsx';

export default function ResetPasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const form = useForm({
    mode: 'controlled',
    initialValues: { password: '', confirm: '' },
    validate: {
      password: (value) => validateNewPassword(value, t),
      confirm: (value, values) => validateConfirmation(value, values.password, t),
    },
  });
  const reset = useApiForm(form, {
    mutationFn: (password: string) => unwrap(api.POST('/api/v1/auth/password/reset', { body: { token, password } })),
    onSuccess: () => {
      notifySuccess(t('auth.reset.done'));
      void navigate('/connexion', { replace: true });
    },
  });

  return (
    <PublicLayout title={t('auth.reset.title')} intro={token ? t('auth.reset.intro', { min: PASSWORD_MIN_LENGTH }) : undefined}>
      <Stack gap="md">
        {token === '' ? (
          <Alert color="red" role="alert">
            {t('auth.reset.missingToken')}
          </Alert>
        ) : (
          <form onSubmit={reset.onSubmit((values) => values.password)} noValidate>
            <Stack gap="md">
              <FormError error={reset.failure} />
              <PasswordInput
                label={t('auth.reset.newPassword')}
                autoComplete="new-password"
                required
                autoFocus
                {...form.getInputProps('password')}
              />
              <PasswordInput label={t('auth.reset.confirm')} autoComplete="new-password" required {...form.getInputProps('confirm')} />
              <Button type="submit" loading={reset.isPending} fullWidth>
                {t('auth.reset.submit')}
              </Button>
            </Stack>
          </form>
        )}
        {(token === '' || reset.isError) && (
          <Anchor component={Link} to="/mot-de-passe-oublie" size="sm" ta="center">
            {t('auth.reset.askNewLink')}
          </Anchor>
        )}
      </Stack>
    </PublicLayout>
  );
}
