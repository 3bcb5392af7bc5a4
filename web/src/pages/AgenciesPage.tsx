import { ActionIcon, Anchor, Button, Card, Group, NumberInput, SimpleGrid, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { api, unwrap, type Agency, type WeeklyRange } from '../api/client.ts';
import { AGENCIES_KEY, agencyKey } from '../api/keys.ts';
import { useAgencies } from '../api/resources.ts';
import { FormError } from '../components/FormError.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { ScrollTable } from '../components/ScrollTable.tsx';
import { SectionCard } from '../components/SectionCard.tsx';
import { WeekGridEditor } from '../components/WeekGridEditor.tsx';
import { optional } from '../lib/formErrors.ts';
import { notifyStale, notifySuccess } from '../lib/notify.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { emptyGrid, gridFromWeekly, useWeekGridErrors, type WeekGrid } from '../lib/weekly.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import NotFoundPage from './NotFoundPage.tsx';

/** /agences (list), /agences/nouvelle, /agences/:id — ADMIN only (see nav.ts). */
export default function AgenciesPage() {
  return (
    <Routes>
      <Route index element={<AgencyList />} />
      <Route path="nouvelle" element={<AgencyEditor />} />
      <Route path=":id" element={<AgencyById />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

function AgencyList() {
  const { t } = useTranslation();
  const agencies = useAgencies();
  return (
    <>
      <PageHeader
        title={t('agencies.title')}
        intro={t('agencies.intro')}
        actions={
          <Button component={Link} to="/agences/nouvelle">
            {t('agencies.new')}
          </Button>
        }
      />
      <Card withBorder padding="lg">
        <QueryView query={agencies} empty={t('agencies.empty')}>
          {(list) => (
            <ScrollTable label={t('nav.agencies')} minWidth={560}>
              <Table striped highlightOnHover verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('agencies.name')}</Table.Th>
                    <Table.Th scope="col">{t('agencies.address')}</Table.Th>
                    <Table.Th scope="col">{t('agencies.phone')}</Table.Th>
                    <Table.Th scope="col">{t('agencies.rooms')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((agency) => (
                    <Table.Tr key={agency.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/agences/${agency.id}`} fw={600}>
                          {agency.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{agency.address ?? t('common.none')}</Table.Td>
                      <Table.Td>{agency.phone ?? t('common.none')}</Table.Td>
                      <Table.Td>{agency.rooms.length}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          )}
        </QueryView>
      </Card>
    </>
  );
}

function AgencyById() {
  const { id = '' } = useParams();
  const agency = useQuery({
    queryKey: agencyKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/agencies/{id}', { params: { path: { id } } })),
  });
  return (
    <QueryView query={agency} notFound={<NotFoundPage />}>
      {/* Keyed by version: a reload after a concurrent change starts the form again from the new state. */}
      {(data) => <AgencyEditor key={`${data.id}-${data.version}`} agency={data} />}
    </QueryView>
  );
}

interface ClosureValues {
  date: string;
  end_date: string;
  label: string;
}
interface RoomValues {
  id: string | null;
  name: string;
  capacity: number | string;
}
interface MeetingPointValues {
  id: string | null;
  label: string;
  address: string;
  /** WGS 84 decimal degrees; '' when not given (both or none). */
  latitude: number | string;
  longitude: number | string;
}

/** A coordinate typed in a NumberInput: '' (or unreadable) is none. */
function coordinate(value: number | string): number | null {
  if (value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}
interface AgencyValues {
  name: string;
  address: string;
  phone: string;
  email: string;
  alsace_moselle: boolean;
  opening: WeekGrid;
  closures: ClosureValues[];
  rooms: RoomValues[];
  meeting_points: MeetingPointValues[];
}

function toValues(agency: Agency | undefined): AgencyValues {
  if (!agency) {
    return {
      name: '',
      address: '',
      phone: '',
      email: '',
      alsace_moselle: false,
      opening: emptyGrid(),
      closures: [],
      rooms: [],
      meeting_points: [],
    };
  }
  return {
    name: agency.name,
    address: agency.address ?? '',
    phone: agency.phone ?? '',
    email: agency.email ?? '',
    alsace_moselle: agency.alsace_moselle,
    opening: gridFromWeekly(agency.opening_hours),
    closures: agency.closures.map((c) => ({ date: c.date, end_date: c.end_date ?? '', label: c.label ?? '' })),
    rooms: agency.rooms.map((r) => ({ id: r.id ?? null, name: r.name, capacity: r.capacity })),
    meeting_points: agency.meeting_points.map((m) => ({
      id: m.id ?? null,
      label: m.label,
      address: m.address ?? '',
      latitude: m.latitude ?? '',
      longitude: m.longitude ?? '',
    })),
  };
}

function toBody(values: AgencyValues, openingHours: WeeklyRange[]) {
  return {
    name: values.name.trim(),
    address: optional(values.address),
    phone: optional(values.phone),
    email: optional(values.email),
    alsace_moselle: values.alsace_moselle,
    opening_hours: openingHours,
    closures: values.closures.map((c) => ({ date: c.date, end_date: c.end_date || null, label: optional(c.label) })),
    rooms: values.rooms.map((r) => ({
      ...(r.id ? { id: r.id } : {}),
      name: r.name.trim(),
      capacity: typeof r.capacity === 'number' ? r.capacity : Number(r.capacity),
    })),
    meeting_points: values.meeting_points.map((m) => ({
      ...(m.id ? { id: m.id } : {}),
      label: m.label.trim(),
      address: optional(m.address),
      latitude: coordinate(m.latitude),
      longitude: coordinate(m.longitude),
    })),
  };
}

function AgencyEditor({ agency }: { agency?: Agency }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const opening = useWeekGridErrors('opening_hours');
  const required = (value: string) => (value.trim() === '' ? t('validation.required') : null);
  const form = useForm<AgencyValues>({
    mode: 'controlled',
    initialValues: toValues(agency),
    validate: {
      name: required,
      closures: { date: required },
      rooms: {
        name: required,
        capacity: (value) => (value === '' ? t('validation.required') : null),
      },
      meeting_points: {
        label: required,
        // Both coordinates or none: the missing one says so.
        latitude: (value, values, path) => {
          const point = values.meeting_points[Number(path.split('.')[1])];
          return coordinate(value) === null && point && coordinate(point.longitude) !== null ? t('agencies.coordinatesBoth') : null;
        },
        longitude: (value, values, path) => {
          const point = values.meeting_points[Number(path.split('.')[1])];
          return coordinate(value) === null && point && coordinate(point.latitude) !== null ? t('agencies.coordinatesBoth') : null;
        },
      },
    },
  });

  const save = useApiForm(form, {
    mutationFn: (body: ReturnType<typeof toBody>) =>
      agency
        ? unwrap(api.PATCH('/api/v1/agencies/{id}', { params: { path: { id: agency.id } }, body: { ...body, version: agency.version } }))
        : unwrap(api.POST('/api/v1/agencies', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(agencyKey(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: AGENCIES_KEY, exact: true });
      notifySuccess(t(agency ? 'agencies.saved' : 'agencies.created', { name: saved.name }));
      if (!agency) void navigate(`/agences/${saved.id}`, { replace: true });
    },
    onError: opening.showRefusal,
    onStale: () => {
      notifyStale(t('agencies.stale'));
      if (agency) void queryClient.invalidateQueries({ queryKey: agencyKey(agency.id) });
    },
  });
  const submit = save.onSubmit((values) => {
    const weekly = opening.toWeekly(values.opening);
    return weekly ? toBody(values, weekly) : null;
  });

  const title = agency ? agency.name : t('agencies.newTitle');

  return (
    <>
      <PageHeader
        title={title}
        actions={
          <Button variant="subtle" component={Link} to="/agences">
            {t('agencies.back')}
          </Button>
        }
      />
      <form onSubmit={submit} noValidate>
        <Stack gap="lg">
          <FormError error={save.failure} />

          <SectionCard title={t('agencies.identity')}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput label={t('agencies.name')} required {...form.getInputProps('name')} />
              <TextInput label={t('agencies.phone')} type="tel" autoComplete="off" {...form.getInputProps('phone')} />
              <TextInput label={t('agencies.address')} autoComplete="off" {...form.getInputProps('address')} />
              <TextInput label={t('agencies.email')} type="email" autoComplete="off" {...form.getInputProps('email')} />
            </SimpleGrid>
            <Switch
              mt="md"
              label={t('agencies.alsaceMoselle')}
              description={t('agencies.alsaceMoselleHint')}
              {...form.getInputProps('alsace_moselle', { type: 'checkbox' })}
            />
          </SectionCard>

          <SectionCard title={t('agencies.openingHours')} hint={agency ? t('agencies.openingHoursHint') : `${t('agencies.openingHoursHint')} ${t('agencies.openingHoursDefault')}`}>
            <WeekGridEditor
              value={form.values.opening}
              onChange={(grid) => {
                form.setFieldValue('opening', grid);
                opening.clear();
              }}
              errors={opening.errors}
              emptyLabel={t('agencies.closed')}
            />
          </SectionCard>

          <SectionCard title={t('agencies.closures')} hint={t('agencies.closuresHint')}>
            <Stack gap="sm">
              {form.values.closures.length === 0 && <Text c="dimmed">{t('agencies.noClosure')}</Text>}
              {form.values.closures.map((_, i) => {
                const n = i + 1;
                return (
                  <Group key={i} align="flex-end" gap="sm" wrap="wrap">
                    <TextInput
                      type="date"
                      label={t('agencies.closureDate')}
                      aria-label={t('agencies.closureDateOf', { n })}
                      required
                      w={170}
                      {...form.getInputProps(`closures.${i}.date`)}
                    />
                    <TextInput
                      type="date"
                      label={t('agencies.closureEnd')}
                      aria-label={t('agencies.closureEndOf', { n })}
                      w={170}
                      {...form.getInputProps(`closures.${i}.end_date`)}
                    />
                    <TextInput
                      label={t('agencies.closureLabel')}
                      aria-label={t('agencies.closureLabelOf', { n })}
                      style={{ flex: '1 1 200px' }}
                      {...form.getInputProps(`closures.${i}.label`)}
                    />
                    <RemoveButton label={t('agencies.removeClosure', { n })} onClick={() => form.removeListItem('closures', i)} />
                  </Group>
                );
              })}
              <Group>
                <Button variant="light" onClick={() => form.insertListItem('closures', { date: '', end_date: '', label: '' })}>
                  + {t('agencies.addClosure')}
                </Button>
              </Group>
            </Stack>
          </SectionCard>

          <SectionCard title={t('agencies.roomsTitle')}>
            <Stack gap="sm">
              {form.values.rooms.length === 0 && <Text c="dimmed">{t('agencies.noRoom')}</Text>}
              {form.values.rooms.map((room, i) => {
                const n = i + 1;
                return (
                  <Group key={room.id ?? `new-${i}`} align="flex-end" gap="sm" wrap="wrap">
                    <TextInput
                      label={t('agencies.roomName')}
                      aria-label={t('agencies.roomNameOf', { n })}
                      required
                      style={{ flex: '1 1 200px' }}
                      {...form.getInputProps(`rooms.${i}.name`)}
                    />
                    <NumberInput
                      label={t('agencies.capacity')}
                      aria-label={t('agencies.capacityOf', { n })}
                      required
                      min={1}
                      max={500}
                      allowDecimal={false}
                      allowNegative={false}
                      w={120}
                      {...form.getInputProps(`rooms.${i}.capacity`)}
                    />
                    <RemoveButton label={t('agencies.removeRoom', { n })} onClick={() => form.removeListItem('rooms', i)} />
                  </Group>
                );
              })}
              <Group>
                <Button variant="light" onClick={() => form.insertListItem('rooms', { id: null, name: '', capacity: 12 })}>
                  + {t('agencies.addRoom')}
                </Button>
              </Group>
            </Stack>
          </SectionCard>

          <SectionCard title={t('agencies.meetingPoints')} hint={t('agencies.meetingPointsHint')}>
            <Stack gap="sm">
              {form.values.meeting_points.length === 0 && <Text c="dimmed">{t('agencies.noMeetingPoint')}</Text>}
              {form.values.meeting_points.map((point, i) => {
                const n = i + 1;
                return (
                  <Group key={point.id ?? `new-${i}`} align="flex-end" gap="sm" wrap="wrap">
                    <TextInput
                      label={t('agencies.meetingPointLabel')}
                      aria-label={t('agencies.meetingPointLabelOf', { n })}
                      required
                      style={{ flex: '1 1 180px' }}
                      {...form.getInputProps(`meeting_points.${i}.label`)}
                    />
                    <TextInput
                      label={t('agencies.meetingPointAddress')}
                      aria-label={t('agencies.meetingPointAddressOf', { n })}
                      style={{ flex: '2 1 240px' }}
                      {...form.getInputProps(`meeting_points.${i}.address`)}
                    />
                    <NumberInput
                      label={t('agencies.meetingPointLatitude')}
                      aria-label={t('agencies.meetingPointLatitudeOf', { n })}
                      min={-90}
                      max={90}
                      decimalScale={6}
                      inputMode="decimal"
                      hideControls
                      w={140}
                      {...form.getInputProps(`meeting_points.${i}.latitude`)}
                    />
                    <NumberInput
                      label={t('agencies.meetingPointLongitude')}
                      aria-label={t('agencies.meetingPointLongitudeOf', { n })}
                      min={-180}
                      max={180}
                      decimalScale={6}
                      inputMode="decimal"
                      hideControls
                      w={140}
                      {...form.getInputProps(`meeting_points.${i}.longitude`)}
                    />
                    <RemoveButton
                      label={t('agencies.removeMeetingPoint', { n })}
                      onClick={() => form.removeListItem('meeting_points', i)}
                    />
                  </Group>
                );
              })}
              <Group>
                <Button variant="light" onClick={() => form.insertListItem('meeting_points', { id: null, label: '', address: '', latitude: '', longitude: '' })}>
                  + {t('agencies.addMeetingPoint')}
                </Button>
              </Group>
            </Stack>
          </SectionCard>

          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {agency ? t('common.save') : t('agencies.new')}
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <ActionIcon variant="subtle" color="red" size="lg" mb={4} aria-label={label} title={label} onClick={onClick}>
      <span aria-hidden="true">✕</span>
    </ActionIcon>
  );
}
