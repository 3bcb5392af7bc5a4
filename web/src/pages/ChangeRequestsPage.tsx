import { useState, type ReactNode } from 'react';
import { Alert, Badge, Button, Card, Checkbox, Group, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { ALERTS_KEY, CHANGE_REQUESTS_KEY, changeRequestListKey } from '../api/keys.ts';
import { useCurrentSession } from '../api/session.ts';
import { QueryView } from '../components/QueryView.tsx';
import { formatDateTime } from '../lib/format.ts';
import { notifySuccess } from '../lib/notify.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { useCursorList } from '../lib/useCursorList.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import type { ChangeRequest, RequestStatus } from './exams/api.ts';
import { isLateCancellation, mayWaive } from './exams/requests.ts';
import { refusalText } from './planning/conflict.ts';
import { invalidateLessons, invalidateStudentFiles } from './planning/queries.ts';
import { formatSpan } from './planning/time.ts';

type Filter = RequestStatus | 'all';
const FILTERS: readonly Filter[] = ['pending', 'approved', 'rejected', 'all'];

const STATUS_COLOR: Record<RequestStatus, string> = { pending: 'blue.8', approved: 'green.9', rejected: 'red.8' };

/**
 * /demandes (ADMIN, SECRETARY): the requests to cancel or move a lesson, to accept or refuse. /mes-demandes
 * (INSTRUCTOR, STUDENT): the same list, which the server limits to the caller's own requests, read-only.
 */
export default function ChangeRequestsPage() {
  const { t } = useTranslation();
  const { role } = useCurrentSession();
  const office = role === 'ADMIN' || role === 'SECRETARY';
  const [filter, setFilter] = useState<Filter>(office ? 'pending' : 'all');
  const requests = useCursorList(changeRequestListKey(filter), (cursor) =>
    unwrap(api.GET('/api/v1/change-requests', { params: { query: { limit: 50, cursor, ...(filter === 'all' ? {} : { status: filter }) } } })),
  );

  return (
    <>
      <PageHeader title={office ? t('changeRequests.title') : t('changeRequests.myTitle')} intro={office ? t('changeRequests.intro') : t('changeRequests.myIntro')} />
      <Stack gap="md">
        <div>
          <Text id="request-filter-label" size="sm" fw={500} mb={4}>
            {t('changeRequests.filter')}
          </Text>
          <SegmentedControl
            aria-labelledby="request-filter-label"
            value={filter}
            onChange={(v) => setFilter(FILTERS.find((f) => f === v) ?? 'pending')}
            data={FILTERS.map((f) => ({ value: f, label: f === 'all' ? t('changeRequests.all') : t(`changeRequests.statuses.${f}`) }))}
          />
        </div>
        <QueryView query={requests} empty={filter === 'pending' ? t('changeRequests.emptyPending') : t('changeRequests.empty')}>
          {(items) => (
            <Stack gap="md" component="ul" m={0} p={0} style={{ listStyle: 'none' }} data-testid="change-requests">
              {items.map((request) => (
                <li key={request.id}>
                  <RequestCard request={request} office={office} />
                </li>
              ))}
            </Stack>
          )}
        </QueryView>
      </Stack>
    </>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w="35%" style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function RequestCard({ request, office }: { request: ChangeRequest; office: boolean }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [deciding, setDeciding] = useState<'approve' | 'reject' | null>(null);
  const when = formatSpan(request.lesson_starts_at, request.lesson_ends_at, zone);
  const headingId = `request-${request.id}`;
  const role = request.requester_role === 'STUDENT' || request.requester_role === 'INSTRUCTOR' ? request.requester_role : null;
  return (
    <Card withBorder padding="lg" component="article" aria-labelledby={headingId} data-testid={`request-${request.id}`} data-status={request.status}>
      <Group justify="space-between" gap="sm" mb="sm" align="flex-start">
        <div>
          <Group gap="xs" mb={4}>
            <Badge variant="outline" color="gray.7" tt="none">
              {t(`changeRequests.kinds.${request.kind}`)}
            </Badge>
            <Badge variant="filled" color={STATUS_COLOR[request.status]} tt="none" style={{ minWidth: 'max-content' }}>
              {t(`changeRequests.statuses.${request.status}`)}
            </Badge>
          </Group>
          <Title order={2} size="h4" id={headingId}>
            {when}
          </Title>
        </div>
      </Group>
      <Table variant="vertical" layout="fixed" withTableBorder>
        <Table.Tbody>
          <Row label={t('changeRequests.requester')}>
            {request.requester_name}
            {role && ` (${t(`changeRequests.requesterRoles.${role}`)})`} {t('changeRequests.requestedOn', { when: formatDateTime(request.created_at, zone) })}
          </Row>
          {request.student_name && <Row label={t('changeRequests.student')}>{request.student_name}</Row>}
          {request.instructor_name && <Row label={t('changeRequests.instructor')}>{request.instructor_name}</Row>}
          {request.reason && <Row label={t('changeRequests.reason')}>{request.reason}</Row>}
          {request.kind === 'move' && request.proposed_starts_at && request.proposed_ends_at && (
            <Row label={t('changeRequests.proposed')}>
              <Text fw={600} span>
                {formatSpan(request.proposed_starts_at, request.proposed_ends_at, zone)}
              </Text>
            </Row>
          )}
          {request.decided_at && (
            <Row label={t('changeRequests.decision')}>
              {t('changeRequests.decidedOn', { status: t(`changeRequests.statuses.${request.status}`), when: formatDateTime(request.decided_at, zone) })}
            </Row>
          )}
          {request.decision_note && <Row label={t('changeRequests.note')}>{request.decision_note}</Row>}
        </Table.Tbody>
      </Table>
      {office && request.status === 'pending' && (
        <>
          {deciding === null ? (
            <Group gap="sm" mt="md">
              <Button color="green.9" onClick={() => setDeciding('approve')}>
                {t('changeRequests.approve')}
              </Button>
              <Button variant="outline" color="red.8" onClick={() => setDeciding('reject')}>
                {t('changeRequests.reject')}
              </Button>
            </Group>
          ) : (
            <DecisionForm request={request} decision={deciding} onDone={() => setDeciding(null)} />
          )}
        </>
      )}
    </Card>
  );
}

function DecisionForm({ request, decision, onDone }: { request: ChangeRequest; decision: 'approve' | 'reject'; onDone: () => void }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const approve = decision === 'approve';
  const waivable = approve && mayWaive(request);
  const form = useForm({ mode: 'controlled', initialValues: { note: '', waive: false } });
  const decide = useApiForm(form, {
    mutationFn: ({ note, waive }: { note: string; waive: boolean }) => {
      const body = { note: note.trim() === '' ? null : note.trim(), ...(waivable ? { waive_charge: waive } : {}) };
      const params = { path: { id: request.id } };
      return approve
        ? unwrap(api.POST('/api/v1/change-requests/{id}/approve', { params, body }))
        : unwrap(api.POST('/api/v1/change-requests/{id}/reject', { params, body }));
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: CHANGE_REQUESTS_KEY });
      void queryClient.invalidateQueries({ queryKey: ALERTS_KEY });
      if (approve) {
        void invalidateLessons(queryClient);
        void invalidateStudentFiles(queryClient);
      }
      notifySuccess(approve ? t('changeRequests.approved') : t('changeRequests.rejected'));
      onDone();
    },
  });
  const title = approve ? t('changeRequests.approveTitle') : t('changeRequests.rejectTitle');
  return (
    <form aria-label={title} onSubmit={decide.onSubmit((values) => values)}>
      <Stack gap="sm" mt="md">
        <Title order={3} size="h5">
          {title}
        </Title>
        <Textarea label={t('changeRequests.noteOptional')} autosize minRows={2} data-autofocus {...form.getInputProps('note')} />
        {waivable && (
          <Checkbox
            label={t('changeRequests.waive')}
            description={isLateCancellation(request) ? t('changeRequests.late') : undefined}
            {...form.getInputProps('waive', { type: 'checkbox' })}
          />
        )}
        {decide.failure && (
          <Alert color="red" role="alert">
            {refusalText(decide.failure, zone, t)}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color={approve ? 'green.9' : 'red.8'} loading={decide.isPending}>
            {approve ? t('changeRequests.confirmApprove') : t('changeRequests.confirmReject')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
