import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, List, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { RDVPERMIS_PLACES_KEY } from '../../api/keys.ts';
import { ApiError } from '../../api/problem.ts';
import { useInstructorOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { StudentPicker } from '../../components/PersonPicker.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { ScrollTable } from '../../components/ScrollTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { foldFilter } from '../../lib/people.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { parseConflicts, parseRules, refusalText } from '../planning/conflict.ts';
import { formatShort } from '../planning/time.ts';
import { fullName, useStudent } from '../students/api.ts';
import { useExamVehicles } from './api.ts';
import {
  bookPlace,
  bookingBody,
  cancelBooking,
  centreLabel,
  connectorMissing,
  defaultSearch,
  invalidateAfterBooking,
  useRdvBookings,
  useRdvCentres,
  useRdvPlaces,
  validSearch,
  type BookingValues,
  type NewRdvBooking,
  type PlaceSearch,
  type RdvBooking,
  type RdvCentre,
  type RdvPlace,
} from './rdvPermisApi.ts';

/**
 * "Places RdvPermis" (office, on the exams page's "Places" tab): the free practical-test places of RdvPermis by centre
 * and dates (the next four weeks first), "Réserver" one for a student (the instructor and the vehicle default on the
 * server); the refusing eligibility rules are listed, and an ADMIN may pass them with a reason (audited). Then
 * "Réservations RdvPermis", each booked one with "Annuler". Until the school connected RdvPermis, the server's sentence
 * says so (and an ADMIN gets the way to "Connecteurs").
 */
export function RdvPermisPlaces() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const centres = useRdvCentres();
  const missing = connectorMissing(centres.error);

  if (missing !== null) {
    return (
      <SectionCard title={t('exams.rdvpermis.title')} data-testid="rdvpermis-places">
        <Alert color="orange" data-testid="rdvpermis-not-connected">
          <Text size="sm">{missing}</Text>
          {session.role === 'ADMIN' && (
            <Anchor component={Link} to="/connecteurs" size="sm" mt={4} display="inline-block">
              {t('exams.rdvpermis.connectors')}
            </Anchor>
          )}
        </Alert>
      </SectionCard>
    );
  }
  return (
    <Stack gap="lg">
      <SectionCard title={t('exams.rdvpermis.title')} hint={t('exams.rdvpermis.intro')} data-testid="rdvpermis-places">
        <QueryView query={centres}>{(list) => <PlaceSearchView centres={list} />}</QueryView>
      </SectionCard>
      <Bookings />
    </Stack>
  );
}

function PlaceSearchView({ centres }: { centres: RdvCentre[] }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [draft, setDraft] = useState<PlaceSearch>(() => defaultSearch(todayIn(zone)));
  const [search, setSearch] = useState<PlaceSearch>(draft);
  const [invalid, setInvalid] = useState(false);
  const [booking, setBooking] = useState<RdvPlace | null>(null);
  const places = useRdvPlaces(search, zone, true);
  const centreOptions = centres.map((c) => ({ value: c.id, label: c.city && !c.name.includes(c.city) ? `${c.name} (${c.city})` : c.name }));

  return (
    <Stack gap="md">
      <form
        aria-label={t('exams.rdvpermis.searchLabel')}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!validSearch(draft)) {
            setInvalid(true);
            return;
          }
          setInvalid(false);
          setSearch(draft);
          if (JSON.stringify(draft) === JSON.stringify(search)) void places.refetch();
        }}
      >
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label={t('exams.rdvpermis.centre')}
            placeholder={t('exams.rdvpermis.allCentres')}
            data={centreOptions}
            value={draft.centre}
            onChange={(v) => setDraft((d) => ({ ...d, centre: v }))}
            filter={foldFilter}
            searchable
            clearable
            comboboxProps={{ withinPortal: false }}
            w={280}
          />
          <TextInput
            type="date"
            label={t('exams.rdvpermis.from')}
            value={draft.fromDay}
            onChange={(e) => setDraft((d) => ({ ...d, fromDay: e.currentTarget.value }))}
            error={invalid}
            w={170}
          />
          <TextInput
            type="date"
            label={t('exams.rdvpermis.to')}
            value={draft.toDay}
            onChange={(e) => setDraft((d) => ({ ...d, toDay: e.currentTarget.value }))}
            error={invalid}
            w={170}
          />
          <Button type="submit" loading={places.isFetching}>
            {t('exams.rdvpermis.search')}
          </Button>
        </Group>
        {invalid && (
          <Text c="red.8" size="sm" mt={6} role="alert">
            {t('exams.rdvpermis.invalidRange')}
          </Text>
        )}
      </form>
      <QueryView query={places} empty={t('exams.rdvpermis.empty')}>
        {(list) => (
          <Stack gap="xs">
            <Text size="sm" c="dimmed" role="status">
              {t('exams.rdvpermis.count', { count: list.length })}
            </Text>
            <ScrollTable label={t('exams.rdvpermis.resultsLabel')} minWidth={620}>
              <Table striped verticalSpacing="sm" data-testid="rdvpermis-place-list">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('exams.rdvpermis.date')}</Table.Th>
                    <Table.Th scope="col">{t('exams.rdvpermis.centre')}</Table.Th>
                    <Table.Th scope="col">{t('exams.rdvpermis.category')}</Table.Th>
                    <Table.Th scope="col">{t('exams.rdvpermis.action')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((place) => {
                    const centre = centreLabel(place, centres);
                    return (
                      <Table.Tr key={place.id} data-testid={`rdv-place-${place.id}`} data-place={place.id}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(place.starts_at, zone)}</Table.Td>
                        <Table.Td>{centre}</Table.Td>
                        <Table.Td>{place.category}</Table.Td>
                        <Table.Td>
                          <Button
                            size="xs"
                            variant="light"
                            onClick={() => setBooking(place)}
                            aria-label={t('exams.rdvpermis.bookLabel', { when: formatShort(place.starts_at, zone), centre })}
                          >
                            {t('exams.rdvpermis.book')}
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          </Stack>
        )}
      </QueryView>
      <AppModal
        opened={booking !== null}
        onClose={() => setBooking(null)}
        title={booking ? t('exams.rdvpermis.bookTitle', { when: formatShort(booking.starts_at, zone) }) : ''}
        size="lg"
      >
        {booking && <BookingForm key={booking.id} place={booking} centres={centres} onDone={() => setBooking(null)} />}
      </AppModal>
    </Stack>
  );
}

const EMPTY_BOOKING: BookingValues = { student_id: null, instructor_id: null, vehicle_id: null };

function BookingForm({ place, centres, onDone }: { place: RdvPlace; centres: RdvCentre[]; onDone: () => void }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const zone = session.tenant.timezone;
  const admin = session.role === 'ADMIN';
  const queryClient = useQueryClient();
  const { options: instructorOptions } = useInstructorOptions();
  const { options: vehicleOptions } = useExamVehicles(true);
  const [overriding, setOverriding] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const centre = centreLabel(place, centres);
  const form = useForm<BookingValues>({
    mode: 'controlled',
    initialValues: EMPTY_BOOKING,
    validate: { student_id: (v) => (v ? null : t('exams.validation.student')) },
  });
  const book = useApiForm(form, {
    mutationFn: (body: NewRdvBooking) => bookPlace(body),
    onSuccess: (booking) => {
      invalidateAfterBooking(queryClient, booking.student_id);
      notifySuccess(t('exams.rdvpermis.booked', { when: formatShort(booking.starts_at, zone), centre: booking.centre || centre }));
      onDone();
    },
    onError: (error) => {
      // The place was just taken (a 409 without a planning conflict): the list is behind.
      if (error instanceof ApiError && error.status === 409 && parseConflicts(error).length === 0) {
        void queryClient.invalidateQueries({ queryKey: RDVPERMIS_PLACES_KEY });
      }
    },
  });
  // The eligibility rules (an ADMIN may pass them); the platform's own refusals (`rdvpermis_…`) are said as they are.
  const rules = parseRules(book.error).filter((r) => !r.code.startsWith('rdvpermis_'));
  const placeError = book.error instanceof ApiError ? book.error.problem.errors?.find((e) => e.field === 'place_id')?.message : undefined;

  const submit = (overrideReason: string | null) =>
    book.onSubmit((values) => bookingBody(place.id, values, overrideReason));

  return (
    <form
      onSubmit={(event) => {
        if (overriding) {
          event.preventDefault();
          if (reason.trim() === '') {
            setReasonError(t('exams.validation.overrideReason'));
            return;
          }
          submit(reason)(event);
          return;
        }
        submit(null)(event);
      }}
      noValidate
      aria-label={t('exams.rdvpermis.submit')}
    >
      <Stack gap="sm">
        <Text fw={600} data-testid="rdv-booking-place">
          {t('exams.rdvpermis.place', { when: formatDateTime(place.starts_at, zone), centre, category: place.category })}
        </Text>
        <StudentPicker
          label={t('exams.rdvpermis.student')}
          placeholder={t('exams.fields.studentSearch')}
          value={form.values.student_id}
          onChange={(id) => {
            form.setFieldValue('student_id', id);
            setOverriding(false);
            book.reset();
          }}
          error={form.errors.student_id}
          required
        />
        <Group grow gap="sm" align="flex-start" wrap="wrap">
          <Select
            label={t('exams.rdvpermis.instructor')}
            placeholder={t('exams.fields.optional')}
            description={t('exams.rdvpermis.instructorHint')}
            data={instructorOptions}
            filter={foldFilter}
            clearable
            searchable
            comboboxProps={{ withinPortal: false }}
            {...form.getInputProps('instructor_id')}
          />
          <Select
            label={t('exams.rdvpermis.vehicle')}
            placeholder={t('exams.fields.optional')}
            description={t('exams.rdvpermis.vehicleHint')}
            data={vehicleOptions}
            clearable
            comboboxProps={{ withinPortal: false }}
            {...form.getInputProps('vehicle_id')}
          />
        </Group>

        {rules.length > 0 && (
          <Alert color="red" role="alert" title={t('exams.refused')} data-testid="rdv-booking-rules">
            <List size="sm">
              {rules.map((r) => (
                <List.Item key={r.code + r.message} data-code={r.code}>
                  {r.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {book.failure && rules.length === 0 && (
          <Alert color="red" role="alert" data-testid="rdv-booking-error">
            {placeError ?? refusalText(book.failure, zone, t)}
          </Alert>
        )}
        {admin && rules.length > 0 && !overriding && (
          <Group justify="flex-end">
            <Button variant="light" color="red.8" onClick={() => setOverriding(true)}>
              {t('exams.rdvpermis.override')}
            </Button>
          </Group>
        )}
        {overriding && (
          <Stack gap={4}>
            <Text fw={600} size="sm">
              {t('exams.rdvpermis.overrideTitle')}
            </Text>
            <Textarea
              label={t('exams.fields.overrideReason')}
              description={t('exams.fields.overrideHint')}
              required
              autosize
              minRows={2}
              value={reason}
              onChange={(e) => {
                setReason(e.currentTarget.value);
                setReasonError(null);
              }}
              error={reasonError}
              data-autofocus
            />
          </Stack>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={book.isPending} color={overriding ? 'red.8' : undefined}>
            {overriding ? t('exams.rdvpermis.overrideSubmit') : t('exams.rdvpermis.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Bookings() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const bookings = useRdvBookings(true);
  const [cancelling, setCancelling] = useState<RdvBooking | null>(null);
  return (
    <SectionCard title={t('exams.rdvpermis.bookings.title')} hint={t('exams.rdvpermis.bookings.intro')} data-testid="rdvpermis-bookings">
      <QueryView query={bookings} empty={t('exams.rdvpermis.bookings.empty')}>
        {(list) => (
          <ScrollTable label={t('exams.rdvpermis.bookings.label')} minWidth={620}>
            <Table striped verticalSpacing="sm" data-testid="rdvpermis-booking-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('exams.rdvpermis.bookings.date')}</Table.Th>
                  <Table.Th scope="col">{t('exams.rdvpermis.bookings.centre')}</Table.Th>
                  <Table.Th scope="col">{t('exams.rdvpermis.bookings.student')}</Table.Th>
                  <Table.Th scope="col">{t('exams.rdvpermis.bookings.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((b) => {
                  const booked = b.status === 'booked';
                  return (
                    <Table.Tr key={b.id} data-testid={`rdv-booking-${b.id}`} data-status={b.status}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(b.starts_at, zone)}</Table.Td>
                      <Table.Td>{b.centre}</Table.Td>
                      <Table.Td>
                        <StudentName id={b.student_id} />
                      </Table.Td>
                      <Table.Td>
                        <Group gap="sm" wrap="nowrap">
                          <Badge color={booked ? 'green.9' : 'gray.7'} variant={booked ? 'filled' : 'outline'} tt="none" style={{ minWidth: 'max-content' }}>
                            {booked ? t('exams.rdvpermis.bookings.statuses.booked') : t('exams.rdvpermis.bookings.statuses.cancelled')}
                          </Badge>
                          {booked && (
                            <Button
                              size="xs"
                              variant="light"
                              color="red.8"
                              onClick={() => setCancelling(b)}
                              aria-label={t('exams.rdvpermis.bookings.cancelLabel', { when: formatShort(b.starts_at, zone) })}
                            >
                              {t('exams.rdvpermis.bookings.cancel')}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
      </QueryView>
      <AppModal opened={cancelling !== null} onClose={() => setCancelling(null)} title={t('exams.rdvpermis.bookings.confirmTitle')}>
        {cancelling && <CancelBooking key={cancelling.id} booking={cancelling} onDone={() => setCancelling(null)} />}
      </AppModal>
    </SectionCard>
  );
}

function StudentName({ id }: { id: string }) {
  const student = useStudent(id);
  return (
    <Anchor component={Link} to={`/eleves/${id}?onglet=examens`}>
      {student.data ? fullName(student.data) : '…'}
    </Anchor>
  );
}

function CancelBooking({ booking, onDone }: { booking: RdvBooking; onDone: () => void }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const when = formatShort(booking.starts_at, zone);
  const cancel = useMutation({
    mutationFn: () => cancelBooking(booking.id),
    onSuccess: (done) => {
      invalidateAfterBooking(queryClient, done.student_id);
      notifySuccess(t('exams.rdvpermis.bookings.cancelled', { when }));
      onDone();
    },
    onError: (error) => {
      notifyError(error, t);
      invalidateAfterBooking(queryClient, booking.student_id);
    },
  });
  return (
    <Stack gap="md">
      <Text>{t('exams.rdvpermis.bookings.confirmText', { when: formatDateTime(booking.starts_at, zone), centre: booking.centre })}</Text>
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onDone}>
          {t('exams.rdvpermis.bookings.keep')}
        </Button>
        <Button color="red.8" loading={cancel.isPending} onClick={() => cancel.mutate()}>
          {t('exams.rdvpermis.bookings.confirm')}
        </Button>
      </Group>
    </Stack>
  );
}
