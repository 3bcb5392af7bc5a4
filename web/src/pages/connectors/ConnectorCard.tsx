import { useId, useState } from 'react';
import { Alert, Badge, Button, Checkbox, Group, PasswordInput, Stack, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CONNECTOR_LIST_KEY, connectorEventsKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { notifyError, notifyStale, notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import {
  STATUS_COLOR,
  authorizeUrl,
  connectorBody,
  connectorValues,
  saveConnector,
  testConnector,
  type ConnectorInput,
  type ConnectorTest,
  type ConnectorValues,
  type ConnectorView,
  type Connectors,
} from './api.ts';
import { ConnectorEvents } from './ConnectorEvents.tsx';

/** "14:05": a time of day in the school's zone. */
function clockTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  }
}

/** Whether two views are of the same platform (names compared as the strings they are on the wire). */
const samePlatform = (a: { name: string }, b: { name: string }) => a.name === b.name;

/** Puts a connector as the server answered it in the list. */
function useConnectorSaved() {
  const queryClient = useQueryClient();
  return (view: ConnectorView) => {
    queryClient.setQueryData<Connectors>(CONNECTOR_LIST_KEY, (list) => list && { items: list.items.map((c) => (samePlatform(c, view) ? view : c)) });
    void queryClient.invalidateQueries({ queryKey: connectorEventsKey(view.name) });
  };
}

/** One platform: its status, "Tester la connexion", its settings and its exchange log. */
export function ConnectorCard({ connector }: { connector: ConnectorView }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const saved = useConnectorSaved();
  const [result, setResult] = useState<ConnectorTest | null>(null);
  const test = useMutation({
    mutationFn: () => testConnector(connector.name),
    onMutate: () => setResult(null),
    onSuccess: (answer) => {
      setResult(answer);
      saved(answer.connector);
    },
    onError: (error) => notifyError(error, t),
  });
  const configured = connector.status !== 'not_configured';
  const status = (
    <Group gap={0}>
      <VisuallyHidden>{t('connectors.status')} :</VisuallyHidden>
      <Badge color={STATUS_COLOR[connector.status]} variant="light" size="lg" data-testid="connector-status" style={{ minWidth: 'max-content' }}>
        {t(`connectors.statuses.${connector.status}`)}
      </Badge>
    </Group>
  );

  return (
    <SectionCard title={connector.label} actions={status} data-testid={`connector-${connector.name}`}>
      <Stack gap="lg">
        <Stack gap="sm">
          {connector.last_success_at && (
            <Text size="sm" c="dimmed">
              {t('connectors.lastSuccess', { when: formatDateTime(connector.last_success_at, zone) })}
            </Text>
          )}
          {connector.circuit_open_until && (
            <Alert color="orange" title={t('connectors.suspended', { time: clockTime(connector.circuit_open_until, zone) })} data-testid="connector-suspended">
              {t('connectors.suspendedHint')}
            </Alert>
          )}
          {connector.last_error && (
            <Alert color="red" title={t('connectors.lastError')} data-testid="connector-error">
              {connector.last_error}
            </Alert>
          )}
          {connector.authorized !== null && connector.authorized !== undefined && <OAuthGrant connector={connector} />}
          <Group gap="sm" wrap="wrap">
            <Button variant="default" loading={test.isPending} disabled={!configured} onClick={() => test.mutate()}>
              {t('connectors.test.run')}
            </Button>
            {!configured && (
              <Text size="sm" c="dimmed">
                {t('connectors.test.notConfigured')}
              </Text>
            )}
          </Group>
          {result && (
            <Alert color={result.ok ? 'green' : 'red'} role={result.ok ? 'status' : 'alert'} data-testid="connector-test" data-ok={String(result.ok)}>
              {result.message}
            </Alert>
          )}
        </Stack>
        {/* Keyed by version: a save (or a reload after a 412) starts the form afresh, the secret field empty. */}
        <ConnectorForm key={connector.version ?? 'new'} connector={connector} onSaved={saved} />
        <ConnectorEvents name={connector.name} />
      </Stack>
    </SectionCard>
  );
}

/**
 * For a platform reached through OAuth (RdvPermis): whether the school granted access, and the link that sends the
 * admin to the platform's consent page (the browser comes back to this page, which says how it went).
 */
function OAuthGrant({ connector }: { connector: ConnectorView }) {
  const { t } = useTranslation();
  const ready = connector.client_secret_set && connector.client_id !== null && connector.client_id !== undefined;
  const label = connector.label;
  return (
    <Stack gap={4} data-testid="connector-oauth" data-authorized={String(connector.authorized)}>
      <Text size="sm">{connector.authorized ? t('connectors.oauth.authorized') : t('connectors.oauth.notAuthorized')}</Text>
      {ready ? (
        <Group>
          <Button component="a" href={authorizeUrl(connector.name)} variant={connector.authorized ? 'default' : 'filled'}>
            {connector.authorized ? t('connectors.oauth.reconnect', { label }) : t('connectors.oauth.connect', { label })}
          </Button>
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          {t('connectors.oauth.needsSettings')}
        </Text>
      )}
    </Stack>
  );
}

/**
 * The settings: the platform's address, the client id and the secret, which is never shown (the field starts empty:
 * left so, the stored secret is kept; "Effacer le secret enregistré" removes it).
 */
function ConnectorForm({ connector, onSaved }: { connector: ConnectorView; onSaved: (view: ConnectorView) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const headingId = useId();
  const form = useForm<ConnectorValues>({
    mode: 'controlled',
    initialValues: connectorValues(connector),
    validate: { base_url: (value) => (value.trim() === '' ? t('validation.required') : null) },
  });
  const save = useApiForm(form, {
    mutationFn: (body: ConnectorInput) => saveConnector(connector.name, body),
    onSuccess: (view) => {
      onSaved(view);
      notifySuccess(t('connectors.form.saved', { label: view.label }));
    },
    onStale: () => {
      notifyStale(t('connectors.form.stale'));
      void queryClient.invalidateQueries({ queryKey: CONNECTOR_LIST_KEY });
    },
  });
  const secretTyped = form.values.client_secret.trim() !== '';

  return (
    <form onSubmit={save.onSubmit((values) => connectorBody(values, connector.version))} noValidate aria-labelledby={headingId}>
      <Stack gap="sm">
        <Title order={3} size="h4" id={headingId}>
          {t('connectors.form.title')}
        </Title>
        <FormError error={save.failure} />
        <TextInput
          label={t('connectors.form.baseUrl')}
          description={t('connectors.form.baseUrlHint')}
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          required
          {...form.getInputProps('base_url')}
        />
        <TextInput label={t('connectors.form.clientId')} autoComplete="off" spellCheck={false} {...form.getInputProps('client_id')} />
        <PasswordInput
          label={t('connectors.form.clientSecret')}
          description={connector.client_secret_set ? t('connectors.form.secretKept') : t('connectors.form.secretNone')}
          // Never the person's own password: browsers must not fill it in.
          autoComplete="new-password"
          spellCheck={false}
          disabled={form.values.remove_secret}
          {...form.getInputProps('client_secret')}
          // Mantine's PasswordInput marks only its box: the field itself says it is invalid.
          aria-invalid={form.errors.client_secret !== undefined || undefined}
        />
        {connector.client_secret_set && (
          <Checkbox label={t('connectors.form.removeSecret')} disabled={secretTyped} {...form.getInputProps('remove_secret', { type: 'checkbox' })} />
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('connectors.form.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
