import { useRef, useState, type ReactNode } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../api/problem.ts';
import { useCurrentSession } from '../api/session.ts';
import { useInstructorOptions } from '../api/resources.ts';
import { AppModal } from '../components/AppModal.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { SectionCard } from '../components/SectionCard.tsx';
import { formatDate, formatMoment } from '../lib/format.ts';
import { notifySuccess } from '../lib/notify.ts';
import { useNow } from '../lib/useNow.ts';
import { usePhone } from '../lib/usePhone.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { refusalText } from './planning/conflict.ts';
import { formatShort, formatSpan } from './planning/time.ts';
import {
  acceptOffer,
  bookSuggestion,
  declineOffer,
  refreshAfterBooking,
  removeEntry,
  useSuggestions,
  useWaitlistEntries,
  useWaitlistOffers,
  type Suggestion,
  type WaitlistEntry,
  type WaitlistOffer,
} from './waitlist/api.ts';
import { EntryFormModal } from './waitlist/EntryForm.tsx';
import { describeWindows, shownStatus, splitOffers } from './waitlist/format.ts';
import { OfferStatusBadge } from './waitlist/parts.tsx';
import { useShortWeekdays } from './waitlist/weekdays.ts';

const LIST_STYLE = { listStyle: 'none', margin: 0, padding: 0 } as const;

/**
 * /ma-liste-attente (STUDENT): the freed slots offered to them, to accept or decline with a tap (the first student to
 * accept gets the lesson: "Déjà pris" otherwise), their windows on the waitlist (join, change, leave), free slots of
 * the next two weeks to book (when the school lets students book: the server says so), and the past offers.
 */
export default function MyWaitlistPage() {
  const { t } = useTranslation();
  const { student_id: studentId } = useCurrentSession();
  return (
    <>
      <PageHeader title={t('waitlist.mine.title')} intro={t('waitlist.mine.intro')} />
      {studentId ? <MyWaitlist studentId={studentId} /> : <Alert color="blue">{t('students.noRecord')}</Alert>}
    </>
  );
}

/** What the student just booked (an offer accepted, a free slot booked), said at the top of the page. */
interface Booked {
  when: string;
}

function MyWaitlist({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const entries = useWaitlistEntries();
  const offers = useWaitlistOffers();
  const now = useNow();
  const phone = usePhone();
  const [booked, setBooked] = useState<Booked | null>(null);
  const [refusal, setRefusal] = useState<unknown>(null);
  const bookedRef = useRef<HTMLDivElement>(null);
  const offersHeading = useRef<HTMLHeadingElement>(null);

  const done = (startsAt: string) => {
    setRefusal(null);
    setBooked({ when: formatMoment(startsAt, zone) });
    refreshAfterBooking(queryClient);
    // The card (or the slot) that held the button is gone: the confirmation takes the focus.
    requestAnimationFrame(() => bookedRef.current?.focus());
  };

  const accept = useMutation({
    mutationFn: (offer: WaitlistOffer) => acceptOffer(offer.id),
    onMutate: () => {
      setRefusal(null);
      setBooked(null);
    },
    onSuccess: (planned) => done(planned.lesson.starts_at),
    onError: (error) => {
      setRefusal(error);
      refreshAfterBooking(queryClient);
    },
  });
  const decline = useMutation({
    mutationFn: (offer: WaitlistOffer) => declineOffer(offer.id),
    onMutate: () => {
      setRefusal(null);
      setBooked(null);
    },
    onSuccess: () => {
      notifySuccess(t('waitlist.mine.declined'));
      refreshAfterBooking(queryClient);
      offersHeading.current?.focus();
    },
    onError: (error) => {
      setRefusal(error);
      refreshAfterBooking(queryClient);
    },
  });
  const answering = accept.isPending || decline.isPending;

  return (
    <Stack gap="lg">
      {booked && (
        <Alert
          ref={bookedRef}
          tabIndex={-1}
          color="green"
          title={t('waitlist.mine.booked')}
          role="status"
          withCloseButton
          closeButtonLabel={t('common.close')}
          onClose={() => setBooked(null)}
          data-testid="booked"
        >
          <Stack gap={4}>
            <Text size="sm">{t('waitlist.mine.bookedText', { when: booked.when })}</Text>
            <Anchor component={Link} to="/mon-planning" size="sm">
              {t('waitlist.mine.seePlanning')}
            </Anchor>
          </Stack>
        </Alert>
      )}

      <SectionCard title={t('waitlist.mine.open')} hint={t('waitlist.mine.openHint')} headingRef={offersHeading} data-testid="open-offers">
        <Stack gap="sm">
          {refusal !== null && (
            <Alert color="red" role="alert" withCloseButton closeButtonLabel={t('common.close')} onClose={() => setRefusal(null)} data-testid="offer-refusal">
              {refusalText(refusal, zone, t)}
            </Alert>
          )}
          <QueryView query={offers}>
            {(list) => {
              const { open } = splitOffers(list, now);
              if (open.length === 0) return <Text c="dimmed">{t('waitlist.mine.noOpen')}</Text>;
              return (
                <Stack component="ul" gap="sm" aria-label={t('waitlist.mine.openList')} style={LIST_STYLE}>
                  {open.map((offer) => {
                    const when = formatShort(offer.starts_at, zone);
                    return (
                      <Card component="li" key={offer.id} withBorder padding="md" data-testid="open-offer" data-offer={offer.id}>
                        <Stack gap="xs">
                          <SlotLines startsAt={offer.starts_at} endsAt={offer.ends_at} instructor={offer.instructor_name} meetingPoint={offer.meeting_point} />
                          <Text size="sm" c="dimmed">
                            {t('waitlist.mine.expires', { when: formatShort(offer.expires_at, zone) })}
                          </Text>
                          <Group gap="sm" grow={phone} wrap="wrap">
                            <Button
                              size="lg"
                              color="green"
                              aria-label={t('waitlist.mine.acceptOf', { when })}
                              loading={accept.isPending && accept.variables.id === offer.id}
                              disabled={answering}
                              onClick={() => accept.mutate(offer)}
                            >
                              {t('waitlist.mine.accept')}
                            </Button>
                            <Button
                              size="lg"
                              variant="default"
                              aria-label={t('waitlist.mine.declineOf', { when })}
                              loading={decline.isPending && decline.variables.id === offer.id}
                              disabled={answering}
                              onClick={() => decline.mutate(offer)}
                            >
                              {t('waitlist.mine.decline')}
                            </Button>
                          </Group>
                        </Stack>
                      </Card>
                    );
                  })}
                </Stack>
              );
            }}
          </QueryView>
        </Stack>
      </SectionCard>

      <MyEntry entries={entries} />

      <Suggestions studentId={studentId} onBooked={done} />

      <SectionCard title={t('waitlist.mine.past')} data-testid="past-offers">
        <QueryView query={offers}>
          {(list) => {
            const { past } = splitOffers(list, now);
            if (past.length === 0) return <Text c="dimmed">{t('waitlist.mine.noPast')}</Text>;
            return (
              <Stack component="ul" gap="xs" aria-label={t('waitlist.mine.pastList')} style={LIST_STYLE}>
                {past.map((offer) => (
                  <Card component="li" key={offer.id} withBorder padding="sm" data-testid="past-offer" data-status={shownStatus(offer, now)}>
                    <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
                      <Stack gap={0} style={{ flex: '1 1 12rem', minWidth: 0 }}>
                        <Text size="sm" fw={600}>
                          {formatSpan(offer.starts_at, offer.ends_at, zone)}
                        </Text>
                        <Text size="sm">{t('waitlist.mine.withInstructor', { name: offer.instructor_name })}</Text>
                      </Stack>
                      <OfferStatusBadge status={shownStatus(offer, now)} />
                    </Group>
                  </Card>
                ))}
              </Stack>
            );
          }}
        </QueryView>
      </SectionCard>
    </Stack>
  );
}

/** When, with whom, where: the lines of a slot's card. */
function SlotLines({ startsAt, endsAt, instructor, meetingPoint, extra }: { startsAt: string; endsAt: string; instructor: string; meetingPoint?: string | null; extra?: ReactNode }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  return (
    <Stack gap={2}>
      <Group gap="xs" wrap="wrap">
        <Text fw={700}>{formatSpan(startsAt, endsAt, zone)}</Text>
        {extra}
      </Group>
      <Text size="sm">{t('waitlist.mine.withInstructor', { name: instructor })}</Text>
      {meetingPoint && <Text size="sm">{t('waitlist.mine.meetingPoint', { place: meetingPoint })}</Text>}
    </Stack>
  );
}

/** The student's windows on the waitlist: join, change, leave. */
function MyEntry({ entries }: { entries: ReturnType<typeof useWaitlistEntries> }) {
  const { t } = useTranslation();
  const { student_id: studentId, tenant } = useCurrentSession();
  const queryClient = useQueryClient();
  const instructors = useInstructorOptions();
  const shortDays = useShortWeekdays();
  const [editing, setEditing] = useState(false);
  const [leaving, setLeaving] = useState<WaitlistEntry | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const leave = useMutation({
    mutationFn: (entry: WaitlistEntry) => removeEntry(entry.id),
    onSuccess: () => {
      notifySuccess(t('waitlist.mine.left'));
      setLeaving(null);
      heading.current?.focus();
      refreshAfterBooking(queryClient);
    },
  });
  const entry = entries.data?.[0] ?? null;

  return (
    <SectionCard title={t('waitlist.mine.entry')} headingRef={heading} data-testid="my-entry">
      <QueryView query={entries}>
        {() =>
          entry ? (
            <Stack gap="sm">
              <Stack gap={2}>
                {describeWindows(entry.windows, shortDays).map((line) => (
                  <Text key={line}>{line}</Text>
                ))}
              </Stack>
              {entry.instructor_ids.length > 0 && (
                <Text size="sm">
                  {t('waitlist.mine.instructors', { list: entry.instructor_ids.map((id) => instructors.names.get(id) ?? '').filter(Boolean).join(', ') })}
                </Text>
              )}
              {entry.note && (
                <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {entry.note}
                </Text>
              )}
              <Text size="sm" c="dimmed">
                {t('waitlist.mine.waitingSince', { date: formatDate(entry.created_at, tenant.timezone) })}
              </Text>
              <Group gap="sm" wrap="wrap">
                <Button variant="light" onClick={() => setEditing(true)}>
                  {t('waitlist.mine.edit')}
                </Button>
                <Button variant="subtle" color="red" onClick={() => setLeaving(entry)}>
                  {t('waitlist.mine.leave')}
                </Button>
              </Group>
            </Stack>
          ) : (
            <Stack gap="sm" align="flex-start">
              <Text>{t('waitlist.mine.notWaiting')}</Text>
              <Button onClick={() => setEditing(true)}>{t('waitlist.mine.join')}</Button>
            </Stack>
          )
        }
      </QueryView>
      {studentId && <EntryFormModal opened={editing} onClose={() => setEditing(false)} entry={entry} self={{ studentId }} />}
      <AppModal opened={leaving !== null} onClose={() => setLeaving(null)} title={t('waitlist.mine.leaveTitle')}>
        {leaving && (
          <Stack gap="md">
            <Text>{t('waitlist.mine.leaveText')}</Text>
            {leave.error && (
              <Alert color="red" role="alert">
                {refusalText(leave.error, tenant.timezone, t)}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setLeaving(null)}>
                {t('common.cancel')}
              </Button>
              <Button color="red" loading={leave.isPending} onClick={() => leave.mutate(leaving)}>
                {t('waitlist.mine.leave')}
              </Button>
            </Group>
          </Stack>
        )}
      </AppModal>
    </SectionCard>
  );
}

/**
 * Free slots of the next two weeks, with "Réserver". Whether the school lets students book is a setting they cannot
 * read: the button is offered, and the server's refusal (403, in French) is said instead of the buttons.
 */
function Suggestions({ studentId, onBooked }: { studentId: string; onBooked: (startsAt: string) => void }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const phone = usePhone();
  const suggestions = useSuggestions(studentId, 5);
  const [refused, setRefused] = useState<{ error: unknown; forbidden: boolean } | null>(null);
  const book = useMutation({
    mutationFn: (s: Suggestion) => bookSuggestion(studentId, s),
    onMutate: () => setRefused(null),
    onSuccess: (planned) => onBooked(planned.lesson.starts_at),
    onError: (error) => setRefused({ error, forbidden: error instanceof ApiError && error.status === 403 }),
  });
  const mayBook = !refused?.forbidden;

  return (
    <SectionCard title={t('waitlist.suggestions.title')} hint={t('waitlist.suggestions.hint')} data-testid="suggestions">
      <Stack gap="sm">
        {refused && (
          <Alert
            color={refused.forbidden ? 'blue' : 'red'}
            role="alert"
            title={t('waitlist.suggestions.refused')}
            data-testid="booking-refused"
          >
            {refusalText(refused.error, zone, t)}
          </Alert>
        )}
        <QueryView query={suggestions} empty={t('waitlist.suggestions.empty')}>
          {(list) => (
            <Stack component="ul" gap="sm" aria-label={t('waitlist.suggestions.list')} style={LIST_STYLE}>
              {list.map((s) => (
                <Card component="li" key={`${s.starts_at}-${s.instructor_id}`} withBorder padding="md" data-testid="suggestion">
                  <Stack gap="xs">
                    <SlotLines
                      startsAt={s.starts_at}
                      endsAt={s.ends_at}
                      instructor={s.instructor_name}
                      meetingPoint={s.meeting_point}
                      extra={
                        s.referent ? (
                          <Badge variant="light" color="teal" style={{ minWidth: 'max-content' }}>
                            {t('waitlist.suggestions.referent')}
                          </Badge>
                        ) : null
                      }
                    />
                    {mayBook && (
                      <Group grow={phone}>
                        <Button
                          size="md"
                          variant="light"
                          aria-label={t('waitlist.suggestions.bookOf', { when: formatShort(s.starts_at, zone) })}
                          loading={book.isPending && book.variables.starts_at === s.starts_at && book.variables.instructor_id === s.instructor_id}
                          disabled={book.isPending}
                          onClick={() => book.mutate(s)}
                        >
                          {t('waitlist.suggestions.book')}
                        </Button>
                      </Group>
                    )}
                  </Stack>
                </Card>
              ))}
            </Stack>
          )}
        </QueryView>
      </Stack>
    </SectionCard>
  );
}
