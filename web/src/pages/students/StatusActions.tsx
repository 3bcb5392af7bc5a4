import { Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { STUDENT_LISTS_KEY, documentsKey, historyKey, studentKey } from '../../api/keys.ts';
import { errorMessage } from '../../api/problem.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { isStale } from '../../lib/formErrors.ts';
import { notifyError, notifyStale, notifySuccess } from '../../lib/notify.ts';
import { END_REASONS, fullName, ruleCode, type EndReason, type Student } from './api.ts';

type Action =
  | { kind: 'status'; status: 'active' | 'finished'; end_reason: EndReason | null; message: 'activated' | 'finished' | 'reopened' }
  | { kind: 'archive' }
  | { kind: 'restore' }
  | { kind: 'erase' };

/**
 * The office's actions on a file: status changes (passer actif, terminer with an end reason, rouvrir), archive /
 * restore, invitation to the student space, and (ADMIN) the GDPR erasure behind a typed confirmation.
 */
export function StatusActions({ student, canErase }: { student: Student; canErase: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const name = fullName(student);
  const [finishOpened, finishModal] = useDisclosure(false);
  const [archiveOpened, archiveModal] = useDisclosure(false);
  const [eraseOpened, eraseModal] = useDisclosure(false);
  const [endReason, setEndReason] = useState<EndReason | null>(null);
  const [eraseWord, setEraseWord] = useState('');

  const refresh = (updated: Student) => {
    queryClient.setQueryData(studentKey(updated.id), updated);
    void queryClient.invalidateQueries({ queryKey: STUDENT_LISTS_KEY });
    void queryClient.invalidateQueries({ queryKey: historyKey(updated.id) });
    void queryClient.invalidateQueries({ queryKey: documentsKey(updated.id) });
  };

  const act = useMutation({
    mutationFn: (action: Action) => {
      const path = { params: { path: { id: student.id } } };
      switch (action.kind) {
        case 'status':
          return unwrap(
            api.PATCH('/api/v1/students/{id}', {
              ...path,
              // A merge patch: only the status changes (the required names and birth date are sent as they are).
              body: {
                first_name: student.first_name,
                last_name: student.last_name,
                birth_date: student.birth_date,
                status: action.status,
                end_reason: action.end_reason,
                version: student.version,
              },
            }),
          );
        case 'archive':
          return unwrap(api.POST('/api/v1/students/{id}/archive', path));
        case 'restore':
          return unwrap(api.POST('/api/v1/students/{id}/restore', path));
        case 'erase':
          return unwrap(api.POST('/api/v1/students/{id}/erase', path));
      }
    },
    onSuccess: (updated, action) => {
      refresh(updated);
      finishModal.close();
      archiveModal.close();
      eraseModal.close();
      const message =
        action.kind === 'status'
          ? t(`students.actions.${action.message}`, { name })
          : action.kind === 'archive'
            ? t('students.actions.archived', { name })
            : action.kind === 'restore'
              ? t('students.actions.restored', { name })
              : t('students.actions.erased');
      notifySuccess(message);
    },
    onError: (error, action) => {
      if (isStale(error)) {
        notifyStale(t('students.stale'));
        void queryClient.invalidateQueries({ queryKey: studentKey(student.id) });
        finishModal.close();
        return;
      }
      // A refused end reason is shown in the dialog, under the select.
      if (action.kind === 'status' && action.status === 'finished' && ruleCode(error) === 'end_reason') return;
      notifyError(error, t);
    },
  });

  const invite = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/students/{id}/invite', { params: { path: { id: student.id } } })),
    onSuccess: (invitation) => {
      notifySuccess(t('students.actions.invited', { email: invitation.email }));
      void queryClient.invalidateQueries({ queryKey: historyKey(student.id) });
    },
    onError: (error) => notifyError(error, t),
  });

  const busy = act.isPending || invite.isPending;
  const finishError =
    act.isError && act.variables.kind === 'status' && ruleCode(act.error) === 'end_reason' ? errorMessage(act.error, t) : null;
  const archived = student.status === 'archived';

  return (
    <>
      <Group gap="xs" wrap="wrap" role="group" aria-label={t('students.actions.label')}>
        {student.status === 'prospect' && (
          <Button
            size="sm"
            loading={busy && act.variables?.kind === 'status'}
            disabled={busy}
            onClick={() => act.mutate({ kind: 'status', status: 'active', end_reason: null, message: 'activated' })}
          >
            {t('students.actions.activate')}
          </Button>
        )}
        {student.status === 'active' && (
          <Button
            size="sm"
            variant="light"
            disabled={busy}
            onClick={() => {
              setEndReason(null);
              act.reset();
              finishModal.open();
            }}
          >
            {t('students.actions.finish')}
          </Button>
        )}
        {student.status === 'finished' && (
          <Button
            size="sm"
            variant="light"
            loading={busy && act.variables?.kind === 'status'}
            disabled={busy}
            onClick={() => act.mutate({ kind: 'status', status: 'active', end_reason: null, message: 'reopened' })}
          >
            {t('students.actions.reopen')}
          </Button>
        )}
        {student.email && !student.user_id && !archived && (
          <Button size="sm" variant="default" loading={invite.isPending} disabled={busy} onClick={() => invite.mutate()}>
            {t('students.actions.invite')}
          </Button>
        )}
        {archived ? (
          <Button
            size="sm"
            variant="default"
            loading={busy && act.variables?.kind === 'restore'}
            disabled={busy}
            onClick={() => act.mutate({ kind: 'restore' })}
          >
            {t('students.actions.restore')}
          </Button>
        ) : (
          <Button size="sm" variant="default" disabled={busy} onClick={archiveModal.open}>
            {t('students.actions.archive')}
          </Button>
        )}
        {canErase && (
          <Button
            size="sm"
            variant="outline"
            color="red"
            disabled={busy}
            onClick={() => {
              setEraseWord('');
              eraseModal.open();
            }}
          >
            {t('students.actions.erase')}
          </Button>
        )}
      </Group>

      <AppModal opened={finishOpened} onClose={finishModal.close} title={t('students.actions.finishTitle')}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (endReason) act.mutate({ kind: 'status', status: 'finished', end_reason: endReason, message: 'finished' });
          }}
        >
          <Stack gap="md">
            <Text size="sm">{t('students.actions.finishIntro')}</Text>
            <Select
              label={t('students.actions.endReason')}
              required
              data={END_REASONS.map((value) => ({ value, label: t(`students.endReasons.${value}`) }))}
              value={endReason}
              onChange={(value) => setEndReason(END_REASONS.find((r) => r === value) ?? null)}
              error={finishError}
              comboboxProps={{ withinPortal: false }}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={finishModal.close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" disabled={!endReason} loading={act.isPending}>
                {t('students.actions.confirmFinish')}
              </Button>
            </Group>
          </Stack>
        </form>
      </AppModal>

      <AppModal opened={archiveOpened} onClose={archiveModal.close} title={t('students.actions.archiveTitle')}>
        <Stack gap="md">
          <Text size="sm">{t('students.actions.archiveText', { name })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={archiveModal.close}>
              {t('common.cancel')}
            </Button>
            <Button loading={act.isPending} onClick={() => act.mutate({ kind: 'archive' })}>
              {t('students.actions.confirmArchive')}
            </Button>
          </Group>
        </Stack>
      </AppModal>

      <AppModal opened={eraseOpened} onClose={eraseModal.close} title={t('students.actions.eraseTitle')}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (eraseWord.trim() === t('students.actions.eraseConfirmWord')) act.mutate({ kind: 'erase' });
          }}
        >
          <Stack gap="md">
            <Text size="sm">{t('students.actions.eraseText', { name })}</Text>
            <TextInput
              label={t('students.actions.eraseConfirmLabel')}
              value={eraseWord}
              onChange={(event) => setEraseWord(event.currentTarget.value)}
              autoComplete="off"
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={eraseModal.close}>
                {t('common.cancel')}
              </Button>
              <Button
                type="submit"
                color="red"
                loading={act.isPending}
                disabled={eraseWord.trim() !== t('students.actions.eraseConfirmWord')}
              >
                {t('students.actions.confirmErase')}
              </Button>
            </Group>
          </Stack>
        </form>
      </AppModal>
    </>
  );
}
