import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, List, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { PLACES_KEY, candidatesKey } from '../../api/keys.ts';
import { useInstructorOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { ScrollTable } from '../../components/ScrollTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { foldFilter } from '../../lib/people.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { parseRules, refusalText } from '../planning/conflict.ts';
import { formatShort } from '../planning/time.ts';
import { PLACE_CATEGORIES, invalidateAfterExam, useExamVehicles, type Candidate, type ExamPlace } from './api.ts';
import { EMPTY_PLACE, isFree, placeBody, ruleNames, type PlaceFormValues } from './logic.ts';

/**
 * "Places": the school's exam places to come, a form to add one, and for each free place the students to suggest
 * (eligible first) with "Attribuer"; a refusal names each blocking rule, and an ADMIN may assign anyway with a reason.
 */
export function PlacesPanel() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [adding, addDialog] = useDisclosure(false);
  const [proposing, setProposing] = useState<ExamPlace | null>(null);
  const places = useQuery({
    queryKey: PLACES_KEY,
    queryFn: async () => (await unwrap(api.GET('/api/v1/exam-places'))).items,
  });
  const { names: instructorNames } = useInstructorOptions();
  const { plates } = useExamVehicles(true);

  return (
    <SectionCard title={t('exams.places.title')} hint={t('exams.places.intro')} actions={<Button onClick={addDialog.open}>{t('exams.places.add')}</Button>}>
      <QueryView query={places} empty={t('exams.places.empty')}>
        {(list) => (
          <ScrollTable label={t('exams.places.title')} minWidth={860}>
            <Table striped verticalSpacing="sm" data-testid="exam-places">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('exams.places.date')}</Table.Th>
                  <Table.Th scope="col">{t('exams.places.centre')}</Table.Th>
                  <Table.Th scope="col">{t('exams.places.category')}</Table.Th>
                  <Table.Th scope="col">{t('exams.places.instructor')}</Table.Th>
                  <Table.Th scope="col">{t('exams.places.vehicle')}</Table.Th>
                  <Table.Th scope="col">{t('exams.places.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((place) => {
                  const when = formatShort(place.starts_at, zone);
                  return (
                    <Table.Tr key={place.id} data-testid={`place-${place.id}`} data-free={isFree(place)}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(place.starts_at, zone)}</Table.Td>
                      <Table.Td>{place.centre}</Table.Td>
                      <Table.Td>{place.category}</Table.Td>
                      <Table.Td>{(place.instructor_id && instructorNames.get(place.instructor_id)) ?? t('exams.places.none')}</Table.Td>
                      <Table.Td>{(place.vehicle_id && plates.get(place.vehicle_id)) ?? t('exams.places.none')}</Table.Td>
                      <Table.Td>
                        {isFree(place) ? (
                          <Group gap="sm" wrap="nowrap">
                            <Badge color="blue.8" variant="filled" tt="none" style={{ minWidth: 'max-content' }}>
                              {t('exams.places.free')}
                            </Badge>
                            <Button size="xs" variant="light" onClick={() => setProposing(place)} aria-label={t('exams.places.proposeLabel', { when })}>
                              {t('exams.places.propose')}
                            </Button>
                          </Group>
                        ) : place.student_id ? (
                          <Anchor component={Link} to={`/eleves/${place.student_id}?onglet=examens`}>
                            {t('exams.places.assignedTo', { name: place.student_name ?? '' })}
                          </Anchor>
                        ) : (
                          t('common.none')
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
      </QueryView>
      <AppModal opened={adding} onClose={addDialog.close} title={t('exams.places.addTitle')} size="lg">
        <PlaceForm onDone={addDialog.close} />
      </AppModal>
      <AppModal
        opened={proposing !== null}
        onClose={() => setProposing(null)}
        title={proposing ? t('exams.places.candidatesTitle', { when: formatShort(proposing.starts_at, zone) }) : ''}
        size="lg"
      >
        {proposing && <Candidates key={proposing.id} place={proposing} onDone={() => setProposing(null)} />}
      </AppModal>
    </SectionCard>
  );
}

function PlaceForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const { options: instructorOptions } = useInstructorOptions();
  const { options: vehicleOptions } = useExamVehicles(true);
  const form = useForm<PlaceFormValues>({
    mode: 'controlled',
    initialValues: EMPTY_PLACE,
    validate: {
      starts_at: (v) => (placeBody({ ...EMPTY_PLACE, centre: 'x', starts_at: v }, zone) === null ? t('exams.validation.date') : null),
      centre: (v) => (v.trim() === '' ? t('validation.required') : null),
    },
  });
  const create = useApiForm(form, {
    mutationFn: (body: NonNullable<ReturnType<typeof placeBody>>) => unwrap(api.POST('/api/v1/exam-places', { body })),
    onSuccess: (place) => {
      void queryClient.invalidateQueries({ queryKey: PLACES_KEY });
      notifySuccess(t('exams.places.created', { when: formatShort(place.starts_at, zone) }));
      onDone();
    },
  });
  return (
    <form onSubmit={create.onSubmit((values) => placeBody(values, zone))} noValidate aria-label={t('exams.places.addTitle')}>
      <Stack gap="sm">
        <FormError error={create.failure} />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <TextInput type="datetime-local" label={t('exams.places.startsAt')} required {...form.getInputProps('starts_at')} />
          <TextInput label={t('exams.places.centre')} required autoComplete="off" {...form.getInputProps('centre')} />
          <Select
            label={t('exams.places.category')}
            data={PLACE_CATEGORIES.map((c) => ({ value: c, label: c }))}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
            {...form.getInputProps('category')}
            onChange={(v) => form.setFieldValue('category', PLACE_CATEGORIES.find((c) => c === v) ?? 'B')}
          />
          <Select
            label={t('exams.places.instructor')}
            placeholder={t('exams.fields.optional')}
            data={instructorOptions}
            filter={foldFilter}
            clearable
            searchable
            comboboxProps={{ withinPortal: false }}
            {...form.getInputProps('instructor_id')}
          />
          <Select
            label={t('exams.places.vehicle')}
            placeholder={t('exams.fields.optional')}
            data={vehicleOptions}
            clearable
            comboboxProps={{ withinPortal: false }}
            {...form.getInputProps('vehicle_id')}
          />
        </SimpleGrid>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t('exams.places.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Candidates({ place, onDone }: { place: ExamPlace; onDone: () => void }) {
  const { t } = useTranslation();
  const candidates = useQuery({
    queryKey: candidatesKey(place.id),
    queryFn: async () => (await unwrap(api.GET('/api/v1/exam-places/{id}/candidates', { params: { path: { id: place.id } } }))).items,
  });
  return (
    <QueryView query={candidates} empty={t('exams.places.candidatesEmpty')}>
      {(list) => (
        <Stack gap="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }} data-testid="candidates">
          {list.map((c) => (
            <CandidateRow key={c.student_id} place={place} candidate={c} onDone={onDone} />
          ))}
        </Stack>
      )}
    </QueryView>
  );
}

function CandidateRow({ place, candidate, onDone }: { place: ExamPlace; candidate: Candidate; onDone: () => void }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const zone = session.tenant.timezone;
  const admin = session.role === 'ADMIN';
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const assign = useMutation({
    mutationFn: (overrideReason: string | null) =>
      unwrap(
        api.POST('/api/v1/exam-places/{id}/assign', {
          params: { path: { id: place.id } },
          body: { student_id: candidate.student_id, ...(overrideReason ? { override_reason: overrideReason } : {}) },
        }),
      ),
    onSuccess: (exam) => {
      void queryClient.invalidateQueries({ queryKey: PLACES_KEY });
      invalidateAfterExam(queryClient, exam.student_id);
      notifySuccess(t('exams.places.assigned', { name: candidate.name }));
      onDone();
    },
  });
  const rules = parseRules(assign.error);
  const blocking = ruleNames(candidate.blocking, t);
  const warnings = ruleNames(candidate.warnings, t);
  return (
    <li data-testid={`candidate-${candidate.student_id}`} data-eligible={candidate.eligible}>
      <Card withBorder padding="sm">
        <Group justify="space-between" gap="sm" align="flex-start">
          <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
            <Group gap="xs">
              <Anchor component={Link} to={`/eleves/${candidate.student_id}?onglet=examens`} fw={600}>
                {candidate.name}
              </Anchor>
              <Badge variant="outline" color="gray.7" tt="none">
                {candidate.category}
              </Badge>
              <Badge color={candidate.eligible ? 'green.9' : 'red.8'} variant="filled" tt="none" style={{ minWidth: 'max-content' }}>
                {candidate.eligible ? t('exams.places.eligible') : t('exams.places.notEligible')}
              </Badge>
            </Group>
            {blocking.length > 0 && (
              <Text size="sm">
                <Text span fw={600} c="red.8">
                  {t('exams.places.blocking')}
                </Text>{' '}
                {blocking.join(', ')}
              </Text>
            )}
            {warnings.length > 0 && (
              <Text size="sm">
                <Text span fw={600} c="orange.9">
                  {t('exams.places.warnings')}
                </Text>{' '}
                {warnings.join(', ')}
              </Text>
            )}
          </Stack>
          <Button
            onClick={() => assign.mutate(null)}
            loading={assign.isPending && assign.variables === null}
            aria-label={t('exams.places.assignLabel', { name: candidate.name })}
          >
            {t('exams.places.assign')}
          </Button>
        </Group>
        {rules.length > 0 && (
          <Alert color="red" role="alert" mt="sm" title={t('exams.refused')}>
            <List size="sm">
              {rules.map((r) => (
                <List.Item key={r.code + r.message}>{r.message}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        {assign.isError && rules.length === 0 && (
          <Alert color="red" role="alert" mt="sm">
            {refusalText(assign.error, zone, t)}
          </Alert>
        )}
        {admin && rules.length > 0 && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (reason.trim() === '') {
                setReasonError(t('exams.validation.overrideReason'));
                return;
              }
              assign.mutate(reason.trim());
            }}
            noValidate
            aria-label={t('exams.places.forceAssignLabel', { name: candidate.name })}
          >
            <Stack gap="xs" mt="sm">
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
              />
              <Group justify="flex-end">
                <Button type="submit" color="red.8" loading={assign.isPending && assign.variables !== null}>
                  {t('exams.places.forceAssign')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Card>
    </li>
  );
}
