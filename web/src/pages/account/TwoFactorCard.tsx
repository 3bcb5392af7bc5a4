import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Box, Button, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Session, type TotpSetup } from '../../api/client.ts';
import { SECOND_FACTOR_DUE_KEY, SESSION_KEY } from '../../api/keys.ts';
import { FormError } from '../../components/FormError.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { useApiForm } from '../../lib/useApiForm.ts';
import { copyText, downloadText, groupSecret } from './codes.ts';
import { qrSource } from '../../lib/qr.ts';

const APP_CODE = /^\d{6}$/;
const compact = (value: string) => value.replace(/\s+/g, '');


/** A panel's heading, which takes the focus when the panel appears (what had it is gone). */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

/**
 * "Double authentification": its status; when off, "Activer" shows the QR code and the secret, a first code confirms,
 * and the 10 recovery codes are shown this once; when on, a form turns it off (password and a code).
 */
export function TwoFactorCard({ session }: { session: Session }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const on = session.two_factor_enabled;

  /** The session says whether 2FA is on: read it again, then put the focus back on the card's heading. */
  const refreshAndFocus = async () => {
    await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    heading.current?.focus();
  };

  const start = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/me/2fa/totp')),
    onSuccess: (answer) => setSetup(answer),
    // 409: turned on meanwhile (another tab): the status follows.
    onError: () => void queryClient.invalidateQueries({ queryKey: SESSION_KEY }),
  });

  const closeCodes = () => {
    setCodes(null);
    void refreshAndFocus();
  };
  const cancelSetup = () => {
    setSetup(null);
    heading.current?.focus();
  };

  let body;
  if (codes !== null) {
    body = <RecoveryCodesPanel codes={codes} email={session.user.email} onDone={closeCodes} />;
  } else if (setup !== null) {
    body = (
      <SetupPanel
        setup={setup}
        email={session.user.email}
        onCancel={cancelSetup}
        onConfirmed={(recovery) => {
          setSetup(null);
          setCodes(recovery);
          // The status says "activée" at once, even if the person leaves before "J'ai noté mes codes".
          void queryClient.invalidateQueries({ queryKey: SESSION_KEY });
          // This session now has a second factor: a school that requires one lets every page work again.
          queryClient.setQueryData(SECOND_FACTOR_DUE_KEY, false);
        }}
      />
    );
  } else if (on) {
    body = <DisableForm email={session.user.email} onDisabled={() => void refreshAndFocus()} />;
  } else {
    body = (
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{t('account.twoFactor.offText')}</Text>
        <FormError error={start.error} />
        <Button onClick={() => start.mutate()} loading={start.isPending}>
          {t('account.twoFactor.enable')}
        </Button>
      </Stack>
    );
  }

  return (
    <SectionCard title={t('account.twoFactor.title')} hint={t('account.twoFactor.hint')} headingRef={heading} data-testid="two-factor">
      <Stack gap="md">
        {/* Said again when it changes (turned on or off): the result of the actions below. */}
        <Group gap="xs" role="status" data-testid="two-factor-status">
          <Text fw={500}>{t('account.twoFactor.status')}</Text>{' '}
          <Badge color={on ? 'green' : 'gray'} variant="light" size="lg">
            {on ? t('account.twoFactor.on') : t('account.twoFactor.off')}
          </Badge>
        </Group>
        {on && codes === null && <Text size="sm">{t('account.twoFactor.onText')}</Text>}
        {body}
      </Stack>
    </SectionCard>
  );
}

function SetupPanel({
  setup,
  email,
  onCancel,
  onConfirmed,
}: {
  setup: TotpSetup;
  email: string;
  onCancel: () => void;
  onConfirmed: (codes: string[]) => void;
}) {
  const { t } = useTranslation();
  const title = useFocusOnMount<HTMLHeadingElement>();
  const form = useForm({
    mode: 'controlled',
    initialValues: { code: '' },
    validate: { code: (value) => (APP_CODE.test(compact(value)) ? null : t('account.twoFactor.codeFormat')) },
  });
  const confirm = useApiForm(form, {
    mutationFn: (code: string) => unwrap(api.POST('/api/v1/me/2fa/totp/confirm', { body: { code } })),
    onSuccess: (answer) => onConfirmed(answer.codes),
  });
  const secret = setup.secret.replace(/\s+/g, '');

  return (
    <Stack gap="sm" data-testid="two-factor-setup">
      <Title order={3} size="h5" ref={title} tabIndex={-1}>
        {t('account.twoFactor.setupTitle')}
      </Title>
      <Text size="sm">{t('account.twoFactor.scan')}</Text>
      <Box bg="white" p="xs" style={{ alignSelf: 'flex-start', border: '1px solid var(--mantine-color-gray-3)' }}>
        <img
          src={qrSource(setup.qr_svg)}
          alt={t('account.twoFactor.qrAlt', { email })}
          width={200}
          height={200}
          style={{ display: 'block', maxWidth: '100%', height: 'auto' }}
          data-testid="totp-qr"
        />
      </Box>
      <Text size="sm">{t('account.twoFactor.manual')}</Text>
      <Group gap="sm" align="center" wrap="wrap">
        <Text
          component="p"
          m={0}
          ff="monospace"
          fz="lg"
          fw={600}
          style={{ userSelect: 'all', overflowWrap: 'anywhere' }}
          data-testid="totp-secret"
        >
          {groupSecret(secret)}
        </Text>
        <Button variant="light" size="compact-sm" onClick={() => void copyText(secret, t('account.twoFactor.secretCopied'), t)}>
          {t('account.twoFactor.copySecret')}
        </Button>
      </Group>
      <form onSubmit={confirm.onSubmit((values) => compact(values.code))} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('account.twoFactor.enterCode')}</Text>
          <FormError error={confirm.failure} />
          <TextInput
            label={t('account.twoFactor.code')}
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            maw={360}
            {...form.getInputProps('code')}
          />
          <Group gap="sm">
            <Button type="submit" loading={confirm.isPending}>
              {t('account.twoFactor.confirm')}
            </Button>
            <Button variant="default" onClick={onCancel}>
              {t('account.twoFactor.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function RecoveryCodesPanel({ codes, email, onDone }: { codes: string[]; email: string; onDone: () => void }) {
  const { t } = useTranslation();
  const title = useFocusOnMount<HTMLHeadingElement>();
  const text = codes.join('\n');
  const file = `${t('account.twoFactor.fileHeader', { email })}\n\n${text}\n`;

  return (
    <Stack gap="sm" data-testid="recovery-codes">
      <Title order={3} size="h5" ref={title} tabIndex={-1}>
        {t('account.twoFactor.codesTitle')}
      </Title>
      <Alert color="orange" title={t('account.twoFactor.codesWarningTitle')}>
        {t('account.twoFactor.codesWarning')}
      </Alert>
      <Box
        component="ol"
        aria-label={t('account.twoFactor.codesLabel')}
        ff="monospace"
        fz="md"
        m={0}
        pl="xl"
        style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(9rem, 1fr))', columnGap: 'var(--mantine-spacing-xl)', rowGap: 4 }}
      >
        {codes.map((code) => (
          <li key={code} style={{ userSelect: 'all' }}>
            {code}
          </li>
        ))}
      </Box>
      <Group gap="sm">
        <Button variant="light" onClick={() => downloadText(t('account.twoFactor.fileName'), file)}>
          {t('account.twoFactor.download')}
        </Button>
        <Button variant="light" onClick={() => void copyText(text, t('account.twoFactor.codesCopied'), t)}>
          {t('account.twoFactor.copy')}
        </Button>
      </Group>
      <Group justify="flex-end">
        <Button onClick={onDone}>{t('account.twoFactor.done')}</Button>
      </Group>
    </Stack>
  );
}

function DisableForm({ email, onDisabled }: { email: string; onDisabled: () => void }) {
  const { t } = useTranslation();
  const form = useForm({
    mode: 'controlled',
    initialValues: { password: '', code: '' },
    validate: {
      password: (value) => (value.length === 0 ? t('validation.required') : null),
      code: (value) => (value.trim().length === 0 ? t('validation.required') : null),
    },
  });
  const disable = useApiForm(form, {
    mutationFn: (body: { password: string; code: string }) => unwrap(api.DELETE('/api/v1/me/2fa', { body })),
    onSuccess: () => {
      form.reset();
      onDisabled();
    },
  });

  return (
    <form
      onSubmit={disable.onSubmit((values) => ({ password: values.password, code: values.code.trim() }))}
      noValidate
      aria-labelledby="two-factor-disable-title"
    >
      <Stack gap="sm">
        <Title order={3} size="h5" id="two-factor-disable-title">
          {t('account.twoFactor.disableTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('account.twoFactor.disableHint')}
        </Text>
        <FormError error={disable.failure} />
        <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
        <PasswordInput label={t('account.twoFactor.password')} autoComplete="current-password" required {...form.getInputProps('password')} />
        <TextInput
          label={t('account.twoFactor.disableCode')}
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          required
          {...form.getInputProps('code')}
        />
        <Group justify="flex-end">
          <Button type="submit" color="red" loading={disable.isPending}>
            {t('account.twoFactor.disable')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
