import { useRef, useState } from 'react';
import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorMessage } from '../api/problem.ts';
import { useCurrentSession } from '../api/session.ts';
import { useInstructorOptions } from '../api/resources.ts';
import { AppModal } from '../components/AppModal.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { ResponsiveTable } from '../components/ResponsiveTable.tsx';
import { SectionCard } from '../components/SectionCard.tsx';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { notifySuccess } from '../lib/notify.ts';
import { useNow } from '../lib/useNow.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { notifyWarnings } from './planning/feedback.tsx';
import { refusalText } from './planning/conflict.ts';
import { formatShort, formatSpan } from './planning/time.ts';
import {
  acceptOffer,
  refreshAfterBooking,
  removeEntry,
  useWaitlistEntries,
  useWaitlistOffers,
  type WaitlistEntry,
  type WaitlistOffer,
} from './waitlist/api.ts';
import { EntryFormModal } from './waitlist/EntryForm.tsx';
import { describeWindows, isOpen, shownStatus } from './waitlist/format.ts';
import { OfferStatusBadge } from './waitlist/parts.tsx';
import { useShortWeekdays } from './waitlist/weekdays.ts';

/**
 * /liste-attente (ADMIN, SECRETARY): the students waiting for a freed slot (their windows, instructors, next exam,
 * since when), added, changed or removed in a dialog; below, the slots offered these 30 days with each student's
 * answer, and the office may accept one for the student (on the phone with them, say).
 */
export default function WaitlistPage() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const entries = useWaitlistEntries();
  const offers = useWaitlistOffers();
  const instructors = useInstructorOptions();
  const shortDays = useShortWeekdays();
  const now = useNow();
  const [editing, setEditing] = useState<WaitlistEntry | 'new' | null>(null);
  const [removing, setRemoving] = useState<WaitlistEntry | null>(null);
  const [refusal, setRefusal] = useState<{ offer: WaitlistOffer; error: unknown } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const remove = useMutation({
    mutationFn: (entry: WaitlistEntry) => removeEntry(entry.id),
    onSuccess: (_, entry) => {
      notifySuccess(t('waitlist.removed', { name: entry.student_name }));
      setRemoving(null);
      // The row and its button are gone: the list's heading takes the focus.
      heading.current?.focus();
      refreshAfterBooking(queryClient);
    },
  });

  const accept = useMutation({
    mutationFn: (offer: WaitlistOffer) => acceptOffer(offer.id),
    onMutate: () => setRefusal(null),
    onSuccess: (planned, offer) => {
      notifySuccess(t('waitlist.acceptedFor', { when: formatShort(planned.lesson.starts_at, zone), name: offer.student_name }));
      notifyWarnings(planned.warnings, t);
      refreshAfterBooking(queryClient);
    },
    onError: (error, offer) => {
      setRefusal({ offer, error });
      refreshAfterBooking(queryClient);
    },
  });

  const instructorList = (ids: readonly string[]) =>
    ids.length === 0 ? t('waitlist.anyInstructor') : ids.map((id) => instructors.names.get(id) ?? t('common.none')).join(', ');

  return (
    <>
      <PageHeader title={t('waitlist.title')} intro={t('waitlist.intro')} actions={<Button onClick={() => setEditing('new')}>{t('waitlist.add')}</Button>} />
      <Stack gap="lg">
        <SectionCard title={t('waitlist.waiting')} headingRef={heading} data-testid="waitlist-entries">
          <QueryView query={entries} empty={t('waitlist.empty')}>
            {(list) => (
              <ResponsiveTable
                rows={list}
                rowKey={(entry) => entry.id}
                rowProps={(entry) => ({ 'data-testid': 'waitlist-entry', 'data-student': entry.student_id })}
                minWidth={880}
                verticalSpacing="sm"
                busy={entries.isFetching}
                label={t('waitlist.waitingList')}
                columns={[
                  {
                    key: 'student',
                    header: t('waitlist.columns.student'),
                    primary: true,
                    cell: (entry) => (
                      <Anchor component={Link} to={`/eleves/${entry.student_id}`} fw={600}>
                        {entry.student_name}
                      </Anchor>
                    ),
                  },
                  {
                    key: 'windows',
                    header: t('waitlist.columns.windows'),
                    cell: (entry) => (
                      <Stack gap={0}>
                        {describeWindows(entry.windows, shortDays).map((line) => (
                          <Text key={line} size="sm" style={{ whiteSpace: 'nowrap' }}>
                            {line}
                          </Text>
                        ))}
                        {entry.note && (
                          <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                            {entry.note}
                          </Text>
                        )}
                      </Stack>
                    ),
                  },
                  { key: 'instructors', header: t('waitlist.columns.instructors'), cell: (entry) => instructorList(entry.instructor_ids) },
                  {
                    key: 'exam',
                    header: t('waitlist.columns.exam'),
                    nowrap: true,
                    cell: (entry) => (entry.exam_at ? <time dateTime={entry.exam_at}>{formatDate(entry.exam_at, zone)}</time> : t('waitlist.noExam')),
                  },
                  {
                    key: 'since',
                    header: t('waitlist.columns.since'),
                    nowrap: true,
                    cell: (entry) => <time dateTime={entry.created_at}>{formatDate(entry.created_at, zone)}</time>,
                  },
                  {
                    key: 'actions',
                    header: t('waitlist.columns.actions'),
                    action: true,
                    cell: (entry) => (
                      <Group gap="xs" wrap="nowrap">
                        <Button variant="light" size="compact-sm" aria-label={t('waitlist.editOf', { name: entry.student_name })} onClick={() => setEditing(entry)}>
                          {t('waitlist.edit')}
                        </Button>
                        <Button
                          variant="light"
                          color="red"
                          size="compact-sm"
                          aria-label={t('waitlist.removeOf', { name: entry.student_name })}
                          onClick={() => setRemoving(entry)}
                        >
                          {t('waitlist.remove')}
                        </Button>
                      </Group>
                    ),
                  },
                ]}
              />
            )}
          </QueryView>
        </SectionCard>

        <SectionCard title={t('waitlist.offers')} hint={t('waitlist.offersHint')} data-testid="waitlist-offers">
          <Stack gap="sm">
            {refusal && (
              <Alert color="red" role="alert" withCloseButton closeButtonLabel={t('common.close')} onClose={() => setRefusal(null)}>
                {refusal.offer.student_name} — {formatShort(refusal.offer.starts_at, zone)} : {refusalText(refusal.error, zone, t)}
              </Alert>
            )}
            <QueryView query={offers} empty={t('waitlist.noOffers')}>
              {(list) => (
                <ResponsiveTable
                  rows={list}
                  rowKey={(offer) => offer.id}
                  rowProps={(offer) => ({ 'data-testid': 'waitlist-offer', 'data-status': shownStatus(offer, now) })}
                  minWidth={900}
                  verticalSpacing="sm"
                  busy={offers.isFetching}
                  label={t('waitlist.offersList')}
                  columns={[
                    {
                      key: 'slot',
                      header: t('waitlist.columns.slot'),
                      primary: true,
                      cell: (offer) => (
                        <Text fw={600} size="sm">
                          {formatSpan(offer.starts_at, offer.ends_at, zone)}
                        </Text>
                      ),
                    },
                    { key: 'student', header: t('waitlist.columns.student'), cell: (offer) => offer.student_name },
                    {
                      key: 'instructor',
                      header: t('waitlist.columns.instructor'),
                      cell: (offer) => [offer.instructor_name, offer.meeting_point].filter(Boolean).join(' · '),
                    },
                    { key: 'rank', header: t('waitlist.columns.rank'), cell: (offer) => t('waitlist.rankValue', { rank: offer.rank }) },
                    { key: 'status', header: t('waitlist.columns.status'), cell: (offer) => <OfferStatusBadge status={shownStatus(offer, now)} /> },
                    {
                      key: 'expires',
                      header: t('waitlist.columns.expires'),
                      nowrap: true,
                      cell: (offer) => <time dateTime={offer.expires_at}>{formatDateTime(offer.expires_at, zone)}</time>,
                    },
                    {
                      key: 'actions',
                      header: t('waitlist.columns.actions'),
                      action: true,
                      cell: (offer) =>
                        isOpen(offer, now) ? (
                          <Button
                            variant="light"
                            size="compact-sm"
                            aria-label={t('waitlist.acceptForOf', { when: formatShort(offer.starts_at, zone), name: offer.student_name })}
                            loading={accept.isPending && accept.variables.id === offer.id}
                            disabled={accept.isPending}
                            onClick={() => accept.mutate(offer)}
                          >
                            {t('waitlist.acceptFor')}
                          </Button>
                        ) : null,
                    },
                  ]}
                />
              )}
            </QueryView>
          </Stack>
        </SectionCard>
      </Stack>

      <EntryFormModal opened={editing !== null} onClose={() => setEditing(null)} entry={editing === 'new' ? null : editing} />

      <AppModal opened={removing !== null} onClose={() => setRemoving(null)} title={t('waitlist.removeTitle')}>
        {removing && (
          <Stack gap="md">
            <Text>{t('waitlist.removeText', { name: removing.student_name })}</Text>
            {remove.error && (
              <Alert color="red" role="alert">
                {errorMessage(remove.error, t)}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setRemoving(null)}>
                {t('common.cancel')}
              </Button>
              <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(removing)}>
                {t('waitlist.remove')}
              </Button>
            </Group>
          </Stack>
        )}
      </AppModal>
    </>
  );
}
