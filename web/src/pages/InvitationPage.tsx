import { useState } from 'react';
import { Alert, Anchor, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type InvitationLookup, type Session } from '../api/client.ts';
import { invitationLookupKey } from '../api/keys.ts';
import { needsSecondFactor, startSession } from '../api/session.ts';
import { FormError } from '../components/FormError.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { SecondFactorForm } from '../components/SecondFactorForm.tsx';
import { notifySuccess } from '../lib/notify.ts';
import { validateConfirmation, validateNewPassword } from '../lib/passwords.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { PublicLayout } from '../shell/PublicLayout.tsx';

export default function InvitationPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const lookup = useQuery({
    queryKey: invitationLookupKey(token),
    queryFn: () => unwrap(api.GET('/api/v1/invitations/lookup', { params: { query: { token } } })),
    enabled: token !== '',
    retry: false,
    staleTime: Infinity,
  });

  return (
    <PublicLayout title={t('auth.invitation.title')}>
      <Stack gap="md">
        {token === '' ? (
          <Alert color="red" role="alert">
            {t('auth.invitation.missingToken')}
          </Alert>
        ) : (
          <QueryView
            query={lookup}
            notFound={
              <Alert color="red" role="alert">
                {t('auth.invitation.invalid')}
              </Alert>
            }
          >
            {(invitation) => <AcceptForm token={token} invitation={invitation} />}
          </QueryView>
        )}
        <Anchor component={Link} to="/connexion" size="sm" ta="center">
          {t('auth.invitation.goLogin')}
        </Anchor>
      </Stack>
    </PublicLayout>
  );
}

function AcceptForm({ token, invitation }: { token: string; invitation: InvitationLookup }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const existing = invitation.account_exists;
  // An existing account with 2FA on: the password was right, a code is asked before the invitation is accepted.
  const [secondStep, setSecondStep] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { password: '', confirm: '' },
    validate: {
      password: (value) => (existing ? (value.length === 0 ? t('validation.required') : null) : validateNewPassword(value, t)),
      confirm: (value, values) => (existing ? null : validateConfirmation(value, values.password, t)),
    },
  });
  const welcome = (session: Session) => {
    startSession(queryClient, session);
    notifySuccess(t('auth.invitation.welcome', { tenant: session.tenant.name }));
    void navigate('/', { replace: true });
  };
  const accept = useApiForm(form, {
    mutationFn: (password: string) => unwrap(api.POST('/api/v1/invitations/accept', { body: { token, password } })),
    meta: { authForm: true },
    onSuccess: (answer) => {
      if (needsSecondFactor(answer)) setSecondStep(true);
      else welcome(answer);
    },
  });

  if (secondStep) {
    const restart = () => {
      accept.reset();
      form.setValues({ password: '', confirm: '' });
      setSecondStep(false);
    };
    return (
      <Stack gap="md">
        <Text>{t('auth.invitation.secondFactor', { tenant: invitation.tenant_name })}</Text>
        <SecondFactorForm onSession={welcome} onRestart={restart} />
      </Stack>
    );
  }

  return (
    <form onSubmit={accept.onSubmit((values) => values.password)} noValidate>
      <Stack gap="md">
        <Text>
          {t('auth.invitation.intro', { tenant: invitation.tenant_name, role: t(`roles.${invitation.role}`) })}
        </Text>
        <Text size="sm" c="dimmed">
          {existing
            ? t('auth.invitation.existingAccount', { email: invitation.email })
            : t('auth.invitation.newAccount', { email: invitation.email })}
        </Text>
        <FormError error={accept.failure} />
        {/* Lets password managers attach the password to the right account. */}
        <input type="hidden" name="username" autoComplete="username" value={invitation.email} readOnly />
        <PasswordInput
          label={existing ? t('auth.invitation.currentPassword') : t('auth.invitation.newPassword')}
          autoComplete={existing ? 'current-password' : 'new-password'}
          required
          autoFocus
          {...form.getInputProps('password')}
        />
        {!existing && (
          <PasswordInput label={t('auth.invitation.confirm')} autoComplete="new-password" required {...form.getInputProps('confirm')} />
        )}
        <Button type="submit" loading={accept.isPending} fullWidth>
          {t('auth.invitation.submit')}
        </Button>
      </Stack>
    </form>
  );
}
