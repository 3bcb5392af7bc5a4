import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type PasskeyItem, type Session } from '../../api/client.ts';
import { MY_PASSKEYS_KEY } from '../../api/keys.ts';
import { errorMessage } from '../../api/problem.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable, type Column } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatDate, formatMoment } from '../../lib/format.ts';
import { notifyError } from '../../lib/notify.ts';
import { createPasskey, isIpAddress, localhostAddress, PasskeyError, passkeysSupported } from '../../lib/passkeys.ts';
import { useApiForm } from '../../lib/useApiForm.ts';

const NAME_MAX = 60;

/** Why no passkey was added: the browser's reason, or the server's French one. */
function addFailure(error: Error, t: TFunction): string {
  if (error instanceof PasskeyError) return t(`account.passkeys.${error.reason}`);
  return errorMessage(error, t);
}

/** Why no passkey can be added here: an IP address (and where to go instead), or an older browser. */
function Unsupported() {
  const { t } = useTranslation();
  const localhost = localhostAddress();
  let text = t('account.passkeys.unsupported');
  if (localhost !== null) text = t('account.passkeys.ipAddress');
  else if (isIpAddress(window.location.hostname)) text = t('account.passkeys.ipAddressOther');
  return (
    <Text size="sm" data-testid="passkeys-unsupported">
      {text}
      {localhost !== null && (
        <>
          {' '}
          <Anchor href={localhost} style={{ overflowWrap: 'anywhere' }}>
            {localhost}
          </Anchor>
        </>
      )}
    </Text>
  );
}

/**
 * "Clés d'accès": the person's passkeys (name, added, last used), each one removable; a name and "Ajouter une clé
 * d'accès" create one on this device (the server's options, the browser's dialog, the server checks and keeps it).
 * The list is read again after each action, whose result the live region under the card says.
 */
export function PasskeysCard({ session }: { session: Session }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  // The last action's result, said by the live region at the foot of the card.
  const [result, setResult] = useState('');
  const supported = passkeysSupported();
  const zone = session.tenant.timezone;
  const passkeys = useQuery({
    queryKey: MY_PASSKEYS_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/me/passkeys')),
  });
  const lastUsed = (item: PasskeyItem) => (item.last_used_at ? formatMoment(item.last_used_at, zone) : t('account.passkeys.never'));

  const form = useForm({
    mode: 'controlled',
    initialValues: { name: t('account.passkeys.defaultName') },
    validate: {
      name: (value) => {
        if (value.trim() === '') return t('validation.required');
        if (value.trim().length > NAME_MAX) return t('account.passkeys.nameLength');
        return null;
      },
    },
  });
  const add = useApiForm(form, {
    mutationFn: async (name: string) => {
      const { ceremony, options } = await unwrap(api.POST('/api/v1/me/passkeys/options'));
      const credential = await createPasskey(options);
      // The schema types WebAuthn's JSON only as "an object".
      return unwrap(api.POST('/api/v1/me/passkeys', { body: { ceremony, name, credential: credential as Record<string, never> } }));
    },
    onSuccess: (item) => {
      form.reset();
      setResult(t('account.passkeys.added', { name: item.name }));
      heading.current?.focus();
      void queryClient.invalidateQueries({ queryKey: MY_PASSKEYS_KEY });
    },
  });
  // Refused or cancelled: the button (disabled while the browser's dialog was open) takes the focus back, to try again;
  // the alert above says why.
  useEffect(() => {
    if (add.failure) addButton.current?.focus();
  }, [add.failure]);

  /** The button that had the focus is gone with its row: the card's heading takes it, the list is read again. */
  const after = (message: string | null) => {
    if (message !== null) setResult(message);
    heading.current?.focus();
    void queryClient.invalidateQueries({ queryKey: MY_PASSKEYS_KEY });
  };
  const remove = useMutation({
    mutationFn: (item: PasskeyItem) => unwrap(api.DELETE('/api/v1/me/passkeys/{id}', { params: { path: { id: item.id } } })),
    onSuccess: (_, item) => after(t('account.passkeys.removed', { name: item.name })),
    // 404: removed meanwhile (from another device): the list says how things are now.
    onError: (error) => {
      notifyError(error, t);
      after(null);
    },
  });

  const columns: Column<PasskeyItem>[] = [
    {
      key: 'name',
      header: t('account.passkeys.name'),
      primary: true,
      cell: (item) => (
        <Text span fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
          {item.name}
        </Text>
      ),
    },
    { key: 'created', header: t('account.passkeys.createdAt'), cell: (item) => formatDate(item.created_at, zone) },
    { key: 'lastUsed', header: t('account.passkeys.lastUsed'), cell: lastUsed },
    {
      key: 'action',
      header: t('account.passkeys.actions'),
      action: true,
      cell: (item) => (
        <Button
          variant="light"
          color="red"
          size="compact-sm"
          aria-label={t('account.passkeys.removeOf', { name: item.name })}
          loading={remove.isPending && remove.variables.id === item.id}
          onClick={() => remove.mutate(item)}
        >
          {t('account.passkeys.remove')}
        </Button>
      ),
    },
  ];

  return (
    <SectionCard title={t('account.passkeys.title')} hint={t('account.passkeys.hint')} headingRef={heading} data-testid="passkeys">
      <Stack gap="md">
        <Text size="sm">{t('account.passkeys.intro')}</Text>
        <QueryView query={passkeys} empty={t('account.passkeys.empty')}>
          {({ items }) => (
            <ResponsiveTable
              rows={items}
              columns={columns}
              rowKey={(item) => item.id}
              rowProps={() => ({ 'data-testid': 'passkey-row' })}
              label={t('account.passkeys.list')}
              minWidth={480}
              busy={passkeys.isFetching}
            />
          )}
        </QueryView>
        {supported ? (
          <form onSubmit={add.onSubmit((values) => values.name.trim())} noValidate>
            <Stack gap="sm">
              {add.failure && (
                // Cancelled: orange, since nothing went wrong; the browser or the server refused: red.
                <Alert color={add.failure instanceof PasskeyError && add.failure.reason === 'cancelled' ? 'orange' : 'red'} role="alert">
                  {addFailure(add.failure, t)}
                </Alert>
              )}
              <TextInput
                label={t('account.passkeys.nameLabel')}
                description={t('account.passkeys.nameHint')}
                autoComplete="off"
                required
                maxLength={NAME_MAX}
                {...form.getInputProps('name')}
              />
              <Group justify="flex-end">
                <Button type="submit" ref={addButton} loading={add.isPending}>
                  {t('account.passkeys.add')}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <Unsupported />
        )}
      </Stack>
      <Text size="sm" role="status" mt={result ? 'sm' : 0} data-testid="passkeys-result">
        {result}
      </Text>
    </SectionCard>
  );
}
