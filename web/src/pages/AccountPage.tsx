import { Alert, Button, Group, PasswordInput, SimpleGrid, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client.ts';
import { MY_SESSIONS_KEY, SESSION_KEY } from '../api/keys.ts';
import { useCurrentSession } from '../api/session.ts';
import { FormError } from '../components/FormError.tsx';
import { SectionCard } from '../components/SectionCard.tsx';
import { notifySuccess } from '../lib/notify.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { validateConfirmation, validateNewPassword } from '../lib/passwords.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { PasskeysCard } from './account/PasskeysCard.tsx';
import { SECOND_FACTOR_REQUIRED_PARAM } from './account/requirement.ts';
import { SessionsCard } from './account/SessionsCard.tsx';
import { TwoFactorCard } from './account/TwoFactorCard.tsx';

export default function AccountPage() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  // Sent here by the shell: the school requires 2FA for this role, and this session has none yet.
  const required = params.toString().includes(SECOND_FACTOR_REQUIRED_PARAM) && !session.two_factor_enabled;
  const form = useForm({
    mode: 'controlled',
    initialValues: { current_password: '', new_password: '', confirm: '' },
    validate: {
      current_password: (value) => (value.length === 0 ? t('validation.required') : null),
      new_password: (value) => validateNewPassword(value, t),
      confirm: (value, values) => validateConfirmation(value, values.new_password, t),
    },
  });
  const change = useApiForm(form, {
    mutationFn: (values: { current_password: string; new_password: string }) =>
      unwrap(api.POST('/api/v1/auth/password/change', { body: values })),
    onSuccess: () => {
      form.reset();
      notifySuccess(t('account.changed'));
      // The server may rotate the session (and its CSRF token) on a password change.
      void queryClient.invalidateQueries({ queryKey: SESSION_KEY });
      // The other sessions were closed.
      void queryClient.invalidateQueries({ queryKey: MY_SESSIONS_KEY });
    },
  });

  return (
    <>
      <PageHeader title={t('account.title')} />
      {required && (
        <Alert color="orange" role="alert" mb="lg" title={t('account.twoFactorRequired.title')}>
          {t('account.twoFactorRequired.body')}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <SectionCard title={t('account.identity')}>
          <Stack gap={4}>
            <Text fw={600}>{session.user.display_name}</Text>
            <Text>{session.user.email}</Text>
            <Text c="dimmed">{t('account.school', { name: session.tenant.name })}</Text>
            <Text c="dimmed">{t('account.role', { role: t(`roles.${session.role}`) })}</Text>
          </Stack>
        </SectionCard>
        <SectionCard title={t('account.changePassword')} hint={t('account.changePasswordHint')}>
          <form onSubmit={change.onSubmit(({ current_password, new_password }) => ({ current_password, new_password }))} noValidate>
            <Stack gap="sm">
              <FormError error={change.failure} />
              <input type="hidden" name="username" autoComplete="username" value={session.user.email} readOnly />
              <PasswordInput
                label={t('account.currentPassword')}
                autoComplete="current-password"
                required
                {...form.getInputProps('current_password')}
              />
              <PasswordInput
                label={t('account.newPassword')}
                autoComplete="new-password"
                required
                {...form.getInputProps('new_password')}
              />
              <PasswordInput label={t('account.confirm')} autoComplete="new-password" required {...form.getInputProps('confirm')} />
              <Group justify="flex-end">
                <Button type="submit" loading={change.isPending}>
                  {t('account.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        </SectionCard>
        <TwoFactorCard session={session} />
        <PasskeysCard session={session} />
      </SimpleGrid>
      <Stack mt="lg">
        <SessionsCard session={session} />
      </Stack>
    </>
  );
}
