import { useId, useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, List, Loader, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { notifyError } from '../../lib/notify.ts';
import { DOCUMENT_KINDS, type DocumentKind } from './api.ts';
import {
  ANTS_STATUS_COLOR,
  historySource,
  submitAnts,
  submitLabelKey,
  syncAnts,
  useAntsAccepted,
  useAntsDossier,
  type AntsDossier,
  type AntsReason,
} from './antsApi.ts';

/**
 * "Inscription ANTS" on a file's Dossier tab (office): the dossier's status on ANTS, the NEPH once given, the reasons
 * of an incomplete or refused dossier naming their documents, "Déposer le dossier à l'ANTS" (warned first of the
 * missing documents), "Synchroniser", the job on its way (the dossier is read again every 1.5 s), the last fault and
 * the history. Without a configured connector, it says so (and an ADMIN gets the way to "Connecteurs").
 */
export function AntsPanel({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const dossier = useAntsDossier(studentId);
  return (
    <SectionCard title={t('students.ants.title')} hint={t('students.ants.hint')} data-testid="ants-panel">
      <QueryView query={dossier}>
        {(data) => <AntsView dossier={data} refetch={async () => (await dossier.refetch()).data} />}
      </QueryView>
    </SectionCard>
  );
}

/** A document kind in French (the Documents tab's labels); an unknown kind as sent. */
function useKindLabel() {
  const { t } = useTranslation();
  return (raw: string): string => {
    const kind = DOCUMENT_KINDS.find((k) => k === raw);
    return kind ? t(`students.documents.kinds.${kind}`) : raw;
  };
}

function useReasonText() {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  return (reason: AntsReason): string =>
    reason.document ? t('students.ants.reason', { document: kindLabel(reason.document), message: reason.message }) : reason.message;
}

function AntsView({ dossier, refetch }: { dossier: AntsDossier; refetch: () => Promise<AntsDossier | undefined> }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const zone = session.tenant.timezone;
  const kindLabel = useKindLabel();
  const reasonText = useReasonText();
  const after = useAntsAccepted(dossier.student_id);
  const reasonsId = useId();
  const documentsId = useId();
  const historyId = useId();
  // The missing documents the office is asked about before filing (null: not asking).
  const [missing, setMissing] = useState<DocumentKind[] | null>(null);
  const [checking, setChecking] = useState(false);

  const onFailure = (error: unknown) => {
    notifyError(error, t);
    // A refusal (already pending, a status that moved) means what is shown is behind.
    after.reload();
  };
  const submit = useMutation({
    mutationFn: () => submitAnts(dossier.student_id),
    onSuccess: (answer) => {
      setMissing(null);
      after.accepted(answer);
    },
    onError: (error) => {
      setMissing(null);
      onFailure(error);
    },
  });
  const sync = useMutation({
    mutationFn: () => syncAnts(dossier.student_id),
    onSuccess: after.accepted,
    onError: onFailure,
  });

  const configured = dossier.connector !== 'not_configured';
  const pending = Boolean(dossier.pending);
  // A filing on its way keeps its button, disabled and turning (the server no longer offers to file meanwhile).
  const filing = dossier.pending === 'submit' || dossier.pending === 'resubmit';
  const showSubmit = dossier.may_submit || filing;
  const busy = pending || submit.isPending || sync.isPending || checking;

  // The missing documents are read again first: one may have been uploaded in the Documents tab a moment ago.
  const askSubmit = async () => {
    setChecking(true);
    let fresh: AntsDossier | undefined;
    try {
      fresh = await refetch();
    } finally {
      setChecking(false);
    }
    if (!fresh?.may_submit || fresh.pending) return;
    if (fresh.missing_documents.length > 0) setMissing(fresh.missing_documents);
    else submit.mutate();
  };

  return (
    <Stack gap="md" data-status={dossier.status} data-pending={dossier.pending ?? undefined}>
      <Stack gap={4}>
        <Group gap="sm" wrap="wrap" aria-live="polite">
          <VisuallyHidden>{t('students.ants.status')} :</VisuallyHidden>
          <Badge color={ANTS_STATUS_COLOR[dossier.status]} variant="light" size="lg" data-testid="ants-status" style={{ minWidth: 'max-content' }}>
            {t(`students.ants.statuses.${dossier.status}`)}
          </Badge>
          {dossier.neph && (
            <Text fw={600} data-testid="ants-neph">
              {t('students.ants.neph', { neph: dossier.neph })}
            </Text>
          )}
        </Group>
        {/* Always there, so that the job's start is announced. */}
        <div role="status" data-testid="ants-pending">
          {pending && (
            <Group gap="xs" wrap="nowrap" py={4}>
              <Loader size="xs" aria-hidden />
              <Text size="sm">{t('students.ants.pending')}</Text>
            </Group>
          )}
        </div>
        {(dossier.remote_id || dossier.synced_at) && (
          <Group gap="md" wrap="wrap">
            {dossier.remote_id && (
              <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {t('students.ants.remoteId', { id: dossier.remote_id })}
              </Text>
            )}
            {dossier.synced_at && (
              <Text size="sm" c="dimmed">
                {t('students.ants.syncedAt', { when: formatDateTime(dossier.synced_at, zone) })}
              </Text>
            )}
          </Group>
        )}
      </Stack>

      {!configured && (
        <Text data-testid="ants-not-configured">
          {t('students.ants.notConfigured')}
          {session.role === 'ADMIN' && (
            <>
              {' — '}
              <Anchor component={Link} to="/connecteurs">
                {t('students.ants.openConnectors')}
              </Anchor>
            </>
          )}
        </Text>
      )}
      {dossier.connector === 'failing' && (
        <Text size="sm" c="orange.9" data-testid="ants-failing">
          {t('students.ants.failing')}
          {session.role === 'ADMIN' && (
            <>
              {' '}
              <Anchor component={Link} to="/connecteurs" size="sm">
                {t('students.ants.openConnectors')}
              </Anchor>
            </>
          )}
        </Text>
      )}

      {dossier.reasons.length > 0 && (
        <div>
          <Title order={3} size="h5" id={reasonsId} mb={4}>
            {t('students.ants.reasons')}
          </Title>
          <List spacing={4} aria-labelledby={reasonsId} data-testid="ants-reasons">
            {dossier.reasons.map((reason, index) => (
              <List.Item key={`${reason.document ?? ''}-${String(index)}`} data-document={reason.document ?? undefined}>
                {reasonText(reason)}
              </List.Item>
            ))}
          </List>
        </div>
      )}

      {dossier.last_error && !pending && (
        <Alert color="red" title={t('students.ants.lastError')} data-testid="ants-error">
          {dossier.last_error}
        </Alert>
      )}

      {/* Never filed from here, and not to be: the file says it was filed (or registered) by hand on the portal. */}
      {configured && !pending && !dossier.may_submit && dossier.status === 'draft' && (
        <Text size="sm" c="dimmed" data-testid="ants-by-hand">
          {t('students.ants.byHand')}
        </Text>
      )}
      {configured && !pending && dossier.may_submit && dossier.missing_documents.length > 0 && (
        <Text size="sm" c="orange.9" data-testid="ants-to-complete">
          {t('students.ants.toComplete', { documents: dossier.missing_documents.map(kindLabel).join(', ') })}
        </Text>
      )}

      {configured && (showSubmit || dossier.remote_id) && (
        <Group gap="sm" wrap="wrap" role="group" aria-label={t('students.ants.actions')}>
          {showSubmit && (
            <Button loading={submit.isPending || checking || filing} disabled={busy} onClick={() => void askSubmit()}>
              {t(`students.ants.${submitLabelKey(dossier.status)}`)}
            </Button>
          )}
          {dossier.remote_id && (
            <Button variant="default" loading={sync.isPending || dossier.pending === 'sync'} disabled={busy} onClick={() => sync.mutate()}>
              {t('students.ants.sync')}
            </Button>
          )}
        </Group>
      )}

      {dossier.documents.length > 0 && (
        <div>
          <Title order={3} size="h5" id={documentsId} mb={4}>
            {t('students.ants.documents')}
          </Title>
          <List spacing={2} size="sm" aria-labelledby={documentsId}>
            {dossier.documents.map((doc) => (
              <List.Item key={`${doc.kind}-${doc.file_name}`}>
                {kindLabel(doc.kind)}{' '}
                <Text span size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  ({doc.file_name})
                </Text>
              </List.Item>
            ))}
          </List>
        </div>
      )}

      {dossier.history.length > 0 && (
        <div>
          <Title order={3} size="h5" id={historyId} mb={4}>
            {t('students.ants.history')}
          </Title>
          <Stack component="ul" gap={6} m={0} p={0} style={{ listStyle: 'none' }} aria-labelledby={historyId} data-testid="ants-history">
            {dossier.history.map((item, index) => (
              <li key={`${item.at}-${String(index)}`} data-status={item.status} data-source={item.source}>
                <Text size="sm">
                  <Text span size="sm" c="dimmed">
                    {formatDateTime(item.at, zone)}
                  </Text>
                  {' · '}
                  <Text span size="sm" fw={600}>
                    {t(`students.ants.statuses.${item.status}`)}
                  </Text>
                  {' · '}
                  {t(`students.ants.sources.${historySource(item)}`)}
                </Text>
                {item.note && (
                  <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {item.note}
                  </Text>
                )}
                {item.reasons.length > 0 && (
                  <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {item.reasons.map(reasonText).join(' ; ')}
                  </Text>
                )}
              </li>
            ))}
          </Stack>
        </div>
      )}

      <AppModal opened={missing !== null} onClose={() => setMissing(null)} title={t('students.ants.missingTitle')}>
        <Stack gap="md">
          <Text size="sm">{t('students.ants.missingText')}</Text>
          <List spacing={4} data-testid="ants-missing">
            {(missing ?? []).map((kind) => (
              <List.Item key={kind}>{kindLabel(kind)}</List.Item>
            ))}
          </List>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setMissing(null)} data-autofocus>
              {t('students.ants.cancel')}
            </Button>
            <Button loading={submit.isPending} onClick={() => submit.mutate()}>
              {t('students.ants.submitAnyway')}
            </Button>
          </Group>
        </Stack>
      </AppModal>
    </Stack>
  );
}
