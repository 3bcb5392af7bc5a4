import { useState } from 'react';
import { Alert, Anchor, Button, Group, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { CHANGE_REQUESTS_KEY, MY_PENDING_REQUESTS_KEY } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { formatDateTime } from '../../lib/format.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { useNow } from '../../lib/useNow.ts';
import {
  cancelRequestBody,
  mayRequestChange,
  moveDefaults,
  moveRequestBody,
  pendingFor,
  validateMove,
  withStart,
} from '../exams/requests.ts';
import { refusalText } from './conflict.ts';
import { formatSpan } from './time.ts';
import type { NewChangeRequest } from '../exams/api.ts';
import type { Lesson } from './types.ts';

type Asking = 'cancel' | 'move' | null;

/** The caller's pending requests (the server answers only their own to an instructor or a student). */
function usePendingRequests() {
  return useQuery({
    queryKey: MY_PENDING_REQUESTS_KEY,
    queryFn: async () => (await unwrap(api.GET('/api/v1/change-requests', { params: { query: { status: 'pending', limit: 200 } } }))).items,
    staleTime: 15_000,
  });
}

/**
 * In the lesson panel of an instructor or a student: the pending request about this lesson, or "Demander une
 * annulation" / "Demander un déplacement", sent to the office (POST /change-requests).
 */
export function ChangeRequestPanel({ lesson }: { lesson: Lesson }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const zone = session.tenant.timezone;
  const now = useNow();
  const [asking, setAsking] = useState<Asking>(null);
  const requests = usePendingRequests();
  const pending = requests.data ? pendingFor(requests.data, lesson.id) : undefined;

  if (pending) {
    return (
      <Alert color="blue" title={t('changeRequests.panel.pending')} data-testid="pending-request">
        <Stack gap={4}>
          <Text size="sm">
            {pending.kind === 'move' && pending.proposed_starts_at && pending.proposed_ends_at
              ? t('changeRequests.panel.pendingMove', {
                  span: formatSpan(pending.proposed_starts_at, pending.proposed_ends_at, zone),
                  when: formatDateTime(pending.created_at, zone),
                })
              : t('changeRequests.panel.pendingCancel', { when: formatDateTime(pending.created_at, zone) })}
          </Text>
          {pending.reason && (
            <Text size="sm">
              {t('changeRequests.reason')} : {pending.reason}
            </Text>
          )}
          <Anchor component={Link} to="/mes-demandes" size="sm">
            {t('changeRequests.panel.mine')}
          </Anchor>
        </Stack>
      </Alert>
    );
  }
  if (requests.isPending || !mayRequestChange(lesson, now)) return null;

  return (
    <Stack gap="xs" role="group" aria-label={t('changeRequests.panel.title')}>
      {asking === null ? (
        <>
          <Title order={3} size="h5">
            {t('changeRequests.panel.title')}
          </Title>
          <Group gap="xs">
            <Button variant="light" color="red.8" onClick={() => setAsking('cancel')}>
              {t('changeRequests.panel.askCancel')}
            </Button>
            <Button variant="light" onClick={() => setAsking('move')}>
              {t('changeRequests.panel.askMove')}
            </Button>
          </Group>
        </>
      ) : (
        <RequestForm lesson={lesson} kind={asking} onDone={() => setAsking(null)} student={session.role === 'STUDENT'} />
      )}
    </Stack>
  );
}

function RequestForm({ lesson, kind, onDone, student }: { lesson: Lesson; kind: 'cancel' | 'move'; onDone: () => void; student: boolean }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const form = useForm({
    mode: 'controlled',
    initialValues: { ...moveDefaults(lesson, zone), reason: '' },
    validate: (values) => (kind === 'move' ? validateMove(values, zone, Date.now(), t) : {}),
  });
  const send = useApiForm(form, {
    mutationFn: (body: NewChangeRequest) => unwrap(api.POST('/api/v1/change-requests', { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: CHANGE_REQUESTS_KEY });
      notifySuccess(t('changeRequests.panel.sent'));
      onDone();
    },
  });
  const values = form.values;
  const title = kind === 'cancel' ? t('changeRequests.panel.cancelTitle') : t('changeRequests.panel.moveTitle');
  return (
    <form
      aria-label={title}
      noValidate
      onSubmit={send.onSubmit((v) => (kind === 'cancel' ? cancelRequestBody(lesson.id, v.reason) : moveRequestBody(lesson.id, v, v.reason, zone)))}
    >
      <Stack gap="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        {kind === 'move' && (
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <TextInput
              type="datetime-local"
              label={t('changeRequests.panel.newStart')}
              required
              data-autofocus
              {...form.getInputProps('starts')}
              onChange={(e) => form.setValues(withStart(values, e.currentTarget.value, zone))}
            />
            <TextInput type="datetime-local" label={t('changeRequests.panel.newEnd')} required {...form.getInputProps('ends')} />
          </SimpleGrid>
        )}
        <Textarea
          label={t('changeRequests.panel.reason')}
          description={t('changeRequests.panel.reasonHint')}
          autosize
          minRows={2}
          data-autofocus={kind === 'cancel' ? true : undefined}
          {...form.getInputProps('reason')}
        />
        {kind === 'cancel' && student && (
          <Text size="sm" c="dimmed">
            {t('changeRequests.panel.studentLateNotice')}
          </Text>
        )}
        {send.failure && (
          <Alert color="red" role="alert">
            {refusalText(send.failure, zone, t)}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={send.isPending}>
            {t('changeRequests.panel.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
