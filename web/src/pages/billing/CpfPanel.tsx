import { useState } from 'react';
import { Button, Group, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/AppModal.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { isStale } from '../../lib/formErrors.ts';
import { notifyError, notifyStale, notifySuccess } from '../../lib/notify.ts';
import { saveCpf, useCpfDossier, useCpfSaved, type CpfDossier, type CpfStatus } from './cpf.ts';
import { CpfDossierView } from './CpfDossierView.tsx';
import { CpfForm } from './CpfForm.tsx';

/**
 * The student's CPF dossier, in the "Facturation" tab (office): "Pas de dossier CPF" and a button to open one, or the
 * dossier with a button per status it may go to next (as on EDOF), the cancellation behind a confirmation, and its
 * fields to edit.
 */
export function CpfPanel({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const dossier = useCpfDossier(studentId);
  const [editing, setEditing] = useState(false);
  const current = dossier.data ?? null;
  const action = dossier.isSuccess && (
    <Button variant={current ? 'default' : 'filled'} onClick={() => setEditing(true)}>
      {current ? t('billing.cpf.edit') : t('billing.cpf.open')}
    </Button>
  );
  return (
    <SectionCard title={t('billing.cpf.title')} hint={t('billing.cpf.hint')} actions={action} data-testid="cpf-panel">
      <QueryView query={dossier}>
        {(data) =>
          data ? (
            <Stack gap="md" data-status={data.status}>
              <CpfDossierView dossier={data} office />
              <StatusButtons studentId={studentId} dossier={data} />
            </Stack>
          ) : (
            <Text c="dimmed">{t('billing.cpf.none')}</Text>
          )
        }
      </QueryView>
      <AppModal opened={editing} onClose={() => setEditing(false)} title={current ? t('billing.cpf.editTitle') : t('billing.cpf.openTitle')} size="lg">
        {editing && <CpfForm key={current?.version ?? 'new'} studentId={studentId} dossier={current} onDone={() => setEditing(false)} />}
      </AppModal>
    </SectionCard>
  );
}

/** "Passer à « … »" for each status the dossier may go to next; "Annuler le dossier" asks first. */
function StatusButtons({ studentId, dossier }: { studentId: string; dossier: CpfDossier }) {
  const { t } = useTranslation();
  const after = useCpfSaved(studentId);
  const [confirming, setConfirming] = useState(false);
  const move = useMutation({
    // A merge patch: only the status changes (the required number and amount are sent as they are).
    mutationFn: (status: CpfStatus) => saveCpf(studentId, { edof_number: dossier.edof_number, amount_cents: dossier.amount_cents, status }, dossier.version),
    onSuccess: (saved) => {
      after.saved(saved);
      setConfirming(false);
      notifySuccess(t('billing.cpf.moved', { status: t(`billing.cpf.statuses.${saved.status}`) }));
    },
    onError: (error) => {
      setConfirming(false);
      if (isStale(error)) {
        notifyStale(t('billing.cpf.stale'));
        after.reload();
        return;
      }
      notifyError(error, t);
    },
  });
  if (dossier.next_statuses.length === 0) return null;
  const forward = dossier.next_statuses.filter((s) => s !== 'cancelled');
  const busy = (status: CpfStatus) => move.isPending && move.variables === status;
  return (
    <>
      <Group gap="sm" wrap="wrap" role="group" aria-label={t('billing.cpf.actions')}>
        {forward.map((status) => (
          <Button key={status} loading={busy(status)} disabled={move.isPending} onClick={() => move.mutate(status)}>
            {t('billing.cpf.moveTo', { status: t(`billing.cpf.statuses.${status}`) })}
          </Button>
        ))}
        {dossier.next_statuses.includes('cancelled') && (
          <Button variant="outline" color="red" disabled={move.isPending} onClick={() => setConfirming(true)}>
            {t('billing.cpf.cancel')}
          </Button>
        )}
      </Group>
      <AppModal opened={confirming} onClose={() => setConfirming(false)} title={t('billing.cpf.cancelTitle')}>
        <Stack gap="md">
          <Text size="sm">{t('billing.cpf.cancelText', { number: dossier.edof_number })}</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('billing.cpf.keep')}
            </Button>
            <Button color="red" loading={busy('cancelled')} onClick={() => move.mutate('cancelled')}>
              {t('billing.cpf.cancel')}
            </Button>
          </Group>
        </Stack>
      </AppModal>
    </>
  );
}
