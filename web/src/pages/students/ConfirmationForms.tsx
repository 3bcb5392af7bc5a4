import { Button, Group, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { ALERTS_KEY, DISPUTES_KEY, historyKey, hoursKey } from '../../api/keys.ts';
import { FormError } from '../../components/FormError.tsx';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { cleanCode } from './confirmations.ts';

/** After a decision or an answer: the figures, the ledger, the disputes and the office's alerts change. */
function useRefresh(studentId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: hoursKey(studentId) });
    void queryClient.invalidateQueries({ queryKey: historyKey(studentId) });
    void queryClient.invalidateQueries({ queryKey: DISPUTES_KEY });
    void queryClient.invalidateQueries({ queryKey: ALERTS_KEY });
  };
}

function Actions({ submit, pending, onCancel, danger = false }: { submit: string; pending: boolean; onCancel: () => void; danger?: boolean }) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end" gap="sm">
      <Button variant="default" size="md" mih={44} onClick={onCancel}>
        {t('common.cancel')}
      </Button>
      <Button type="submit" size="md" mih={44} color={danger ? 'red' : undefined} loading={pending}>
        {submit}
      </Button>
    </Group>
  );
}

interface FormProps {
  studentId: string;
  lessonId: string;
  onDone: () => void;
}

/** "La leçon a bien eu lieu ?": the student's confirmation, with the instructor's code when they have it. */
export function ConfirmForm({ studentId, lessonId, initialCode = '', onDone }: FormProps & { initialCode?: string }) {
  const { t } = useTranslation();
  const refresh = useRefresh(studentId);
  const form = useForm({
    mode: 'controlled',
    initialValues: { code: cleanCode(initialCode) },
    validate: { code: (v) => (v === '' || /^\d{6}$/.test(v) ? null : t('students.confirmations.codeInvalid')) },
  });
  const post = useApiForm(form, {
    mutationFn: (code: string | null) =>
      unwrap(api.POST('/api/v1/lessons/{id}/confirm', { params: { path: { id: lessonId } }, body: { code } })),
    onSuccess: () => {
      notifySuccess(t('students.confirmations.confirmed'));
      refresh();
      onDone();
    },
  });
  const code = form.getInputProps('code');
  return (
    <form onSubmit={post.onSubmit((values) => (values.code === '' ? null : values.code))} noValidate>
      <Stack gap="md">
        <FormError error={post.failure} />
        <Text size="sm">{t('students.confirmations.confirmText')}</Text>
        <TextInput
          label={t('students.confirmations.code')}
          description={t('students.confirmations.codeHint')}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          size="md"
          {...code}
          onChange={(event) => form.setFieldValue('code', cleanCode(event.currentTarget.value))}
          data-autofocus
        />
        <Actions submit={t('students.confirmations.confirmSubmit')} pending={post.isPending} onCancel={onDone} />
      </Stack>
    </form>
  );
}

/** The student's dispute of a lesson: a reason is required. */
export function DisputeForm({ studentId, lessonId, onDone }: FormProps) {
  const { t } = useTranslation();
  const refresh = useRefresh(studentId);
  const form = useForm({
    mode: 'controlled',
    initialValues: { reason: '' },
    validate: { reason: (v) => (v.trim() === '' ? t('students.confirmations.reasonRequired') : null) },
  });
  const post = useApiForm(form, {
    mutationFn: (reason: string) =>
      unwrap(api.POST('/api/v1/lessons/{id}/dispute', { params: { path: { id: lessonId } }, body: { reason } })),
    onSuccess: () => {
      notifySuccess(t('students.confirmations.disputed'));
      refresh();
      onDone();
    },
  });
  return (
    <form onSubmit={post.onSubmit((values) => values.reason.trim())} noValidate>
      <Stack gap="md">
        <FormError error={post.failure} />
        <Textarea
          label={t('students.confirmations.reason')}
          description={t('students.confirmations.reasonHint')}
          required
          autosize
          minRows={3}
          size="md"
          {...form.getInputProps('reason')}
          data-autofocus
        />
        <Actions submit={t('students.confirmations.disputeSubmit')} pending={post.isPending} onCancel={onDone} danger />
      </Stack>
    </form>
  );
}

/** The office's answer to a dispute, which settles it. */
export function ResolveForm({ studentId, lessonId, onDone }: FormProps) {
  const { t } = useTranslation();
  const refresh = useRefresh(studentId);
  const form = useForm({
    mode: 'controlled',
    initialValues: { resolution: '' },
    validate: { resolution: (v) => (v.trim() === '' ? t('students.confirmations.answerRequired') : null) },
  });
  const post = useApiForm(form, {
    mutationFn: (resolution: string) =>
      unwrap(api.POST('/api/v1/lessons/{id}/dispute/resolve', { params: { path: { id: lessonId } }, body: { resolution } })),
    onSuccess: () => {
      notifySuccess(t('students.confirmations.settled'));
      refresh();
      onDone();
    },
  });
  return (
    <form onSubmit={post.onSubmit((values) => values.resolution.trim())} noValidate>
      <Stack gap="md">
        <FormError error={post.failure} />
        <Textarea
          label={t('students.confirmations.answer')}
          required
          autosize
          minRows={3}
          {...form.getInputProps('resolution')}
          data-autofocus
        />
        <Actions submit={t('students.confirmations.settleSubmit')} pending={post.isPending} onCancel={onDone} />
      </Stack>
    </form>
  );
}
