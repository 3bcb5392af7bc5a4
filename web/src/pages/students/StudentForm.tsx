import {
  Alert,
  Anchor,
  Button,
  Card,
  Fieldset,
  Group,
  List,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { errorMessage } from '../../api/problem.ts';
import { STUDENT_LISTS_KEY, historyKey, studentKey } from '../../api/keys.ts';
import { useAgencyOptions, useInstructorOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { notifyStale, notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { PageHeader } from '../../shell/PageHeader.tsx';
import {
  ANTS_STATUSES,
  CATEGORIES,
  CIVILITIES,
  FUNDINGS,
  TRAINING_MODES,
  fullName,
  type Student,
} from './api.ts';
import { DurationInput } from './DurationInput.tsx';
import {
  FIELD_RENAME,
  duplicatesOf,
  showGuardian,
  toBody,
  toValues,
  validateStudent,
  type StudentValues,
} from './studentForm.ts';
import { foldFilter, studentDetails } from '../../lib/people.ts';

/** /eleves/nouveau */
export function NewStudent({ base }: { base: string }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader
        title={t('students.newTitle')}
        actions={
          <Button variant="subtle" component={Link} to={base}>
            {t('students.back')}
          </Button>
        }
      />
      <StudentForm editable base={base} />
    </>
  );
}

/**
 * The student form, grouped as Identité, Contact, Représentant légal (for a minor), Formation. Creates a file
 * (without `student`) or edits one; the server's field errors land under the fields, the values stay.
 */
export function StudentForm({ student, editable, base }: { student?: Student; editable: boolean; base: string }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const today = todayIn(session.tenant.timezone);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { options: agencyOptions } = useAgencyOptions();
  const instructors = useInstructorOptions();
  const form = useForm<StudentValues>({
    mode: 'controlled',
    initialValues: toValues(student, { agencyId: agencyOptions[0]?.value ?? null }),
    validate: (values) => validateStudent(values, today, t),
  });

  const save = useApiForm(form, {
    mutationFn: ({ values, confirmDuplicate }: { values: StudentValues; confirmDuplicate: boolean }) => {
      const body = toBody(values, today, { creating: !student });
      // "Créer quand même": the office has seen the probable duplicate and confirms it is another person.
      const confirm = confirmDuplicate ? { confirm_duplicate: true } : {};
      return student
        ? unwrap(api.PATCH('/api/v1/students/{id}', { params: { path: { id: student.id } }, body: { ...body, ...confirm, version: student.version } }))
        : unwrap(api.POST('/api/v1/students', { body: { ...body, ...confirm } }));
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(studentKey(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: STUDENT_LISTS_KEY });
      void queryClient.invalidateQueries({ queryKey: historyKey(saved.id) });
      notifySuccess(t(student ? 'students.saved' : 'students.created', { name: fullName(saved) }));
      if (!student) void navigate(`${base}/${saved.id}`, { replace: true });
    },
    rename: FIELD_RENAME,
    onStale: () => {
      notifyStale(t('students.stale'));
      if (student) void queryClient.invalidateQueries({ queryKey: studentKey(student.id) });
    },
  });

  const civilityOptions = CIVILITIES.map((value) => ({ value, label: t(`students.civilities.${value}`) }));
  const categoryOptions = CATEGORIES.map((value) => ({ value, label: t(`students.categories.${value}`) }));
  const modeOptions = TRAINING_MODES.map((value) => ({ value, label: t(`students.trainingModes.${value}`) }));
  const fundingOptions = FUNDINGS.map((value) => ({ value, label: t(`students.fundings.${value}`) }));
  const antsOptions = ANTS_STATUSES.map((value) => ({ value, label: t(`students.antsStatuses.${value}`) }));
  const creationStatuses = (['active', 'prospect'] as const).map((value) => ({ value, label: t(`students.statuses.${value}`) }));

  const referentOptions = [...instructors.options];
  const currentReferent = form.values.referent_instructor_id;
  if (currentReferent && !referentOptions.some((o) => o.value === currentReferent)) {
    referentOptions.push({ value: currentReferent, label: instructors.names.get(currentReferent) ?? t('common.none') });
  }

  const guardianError = form.errors.guardian;
  const duplicates = duplicatesOf(save.error);
  const withGuardian = showGuardian(form.values, today) || Boolean(guardianError);

  return (
    <Card withBorder padding="lg">
      <form onSubmit={save.onSubmit((values) => ({ values, confirmDuplicate: false }))} noValidate aria-label={t('students.tabs.file')}>
        <Stack gap="lg">
          {!editable && <Text c="dimmed">{t('common.readOnly')}</Text>}
          {duplicates.length > 0 ? (
            <Alert color="orange" role="alert" title={t('students.duplicate.title')} data-testid="duplicate-alert">
              <Stack gap="xs">
                <Text size="sm">{errorMessage(save.error, t)}</Text>
                <List size="sm" spacing={4}>
                  {duplicates.map((d) => (
                    <List.Item key={d.id}>
                      <Anchor component={Link} to={`${base}/${d.id}`}>
                        {t('students.duplicate.open', { name: fullName(d) })}
                      </Anchor>
                      <Text span size="sm" c="dimmed">
                        {' — '}
                        {studentDetails(d, t)}
                      </Text>
                    </List.Item>
                  ))}
                </List>
                <Text size="sm">{t('students.duplicate.hint')}</Text>
                <Group>
                  <Button
                    variant="light"
                    color="orange"
                    loading={save.isPending}
                    onClick={() => save.mutate({ values: form.getValues(), confirmDuplicate: true })}
                  >
                    {student ? t('students.duplicate.saveAnyway') : t('students.duplicate.createAnyway')}
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : (
            <FormError error={save.failure} />
          )}
          <Fieldset legend={t('students.form.identity')} disabled={!editable}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Select
                label={t('students.form.civility')}
                data={civilityOptions}
                clearable
                {...form.getInputProps('civility')}
              />
              <TextInput label={t('students.form.firstName')} required autoComplete="off" {...form.getInputProps('first_name')} />
              <TextInput label={t('students.form.lastName')} required autoComplete="off" {...form.getInputProps('last_name')} />
              <TextInput label={t('students.form.birthName')} autoComplete="off" {...form.getInputProps('birth_name')} />
              <TextInput label={t('students.form.birthDate')} type="date" required max={today} {...form.getInputProps('birth_date')} />
              <TextInput label={t('students.form.birthPlace')} autoComplete="off" {...form.getInputProps('birth_place')} />
            </SimpleGrid>
          </Fieldset>

          <Fieldset legend={t('students.form.contact')} disabled={!editable}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput label={t('students.form.email')} type="email" autoComplete="off" {...form.getInputProps('email')} />
              <TextInput
                label={t('students.form.phone')}
                type="tel"
                autoComplete="off"
                placeholder={t('students.form.phoneHint')}
                {...form.getInputProps('phone')}
              />
            </SimpleGrid>
            <Textarea label={t('students.form.address')} rows={2} mt="sm" {...form.getInputProps('address')} />
          </Fieldset>

          {withGuardian && (
            <Fieldset legend={t('students.form.guardian')} disabled={!editable} data-testid="guardian-section">
              <Text size="sm" c="dimmed" mb="sm">
                {t('students.form.guardianHint')}
              </Text>
              {guardianError && (
                <Alert color="red" mb="sm" role="alert">
                  {guardianError}
                </Alert>
              )}
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <TextInput label={t('students.form.guardianFirstName')} autoComplete="off" {...form.getInputProps('guardian.first_name')} />
                <TextInput
                  label={t('students.form.guardianLastName')}
                  required
                  autoComplete="off"
                  {...form.getInputProps('guardian.last_name')}
                />
                <TextInput
                  label={t('students.form.guardianRelationship')}
                  placeholder={t('students.form.guardianRelationshipPlaceholder')}
                  autoComplete="off"
                  {...form.getInputProps('guardian.relationship')}
                />
                <TextInput label={t('students.form.guardianPhone')} type="tel" autoComplete="off" {...form.getInputProps('guardian.phone')} />
                <TextInput label={t('students.form.guardianEmail')} type="email" autoComplete="off" {...form.getInputProps('guardian.email')} />
              </SimpleGrid>
            </Fieldset>
          )}

          <Fieldset legend={t('students.form.training')} disabled={!editable}>
            <Stack gap="sm">
              {!student && (
                <Stack gap={4}>
                  <Text size="sm" fw={500} id="student-status-label">
                    {t('students.form.status')}
                  </Text>
                  <SegmentedControl
                    aria-labelledby="student-status-label"
                    data={creationStatuses}
                    value={form.values.status}
                    onChange={(value) => form.setFieldValue('status', value === 'prospect' ? 'prospect' : 'active')}
                    style={{ alignSelf: 'flex-start' }}
                  />
                </Stack>
              )}
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Select
                  label={t('students.form.category')}
                  data={categoryOptions}
                  allowDeselect={false}
                  {...form.getInputProps('category')}
                />
                <Select
                  label={t('students.form.trainingMode')}
                  data={modeOptions}
                  allowDeselect={false}
                  {...form.getInputProps('training_mode')}
                />
                <Select
                  label={t('students.form.funding')}
                  data={fundingOptions}
                  allowDeselect={false}
                  {...form.getInputProps('funding')}
                />
                <Select
                  label={t('students.form.agency')}
                  placeholder={t('common.firstAgency')}
                  data={agencyOptions}
                  allowDeselect={false}
                  {...form.getInputProps('agency_id')}
                />
                <Select
                  label={t('students.form.referent')}
                  placeholder={t('students.form.noReferent')}
                  data={referentOptions}
                  filter={foldFilter}
                  clearable
                  searchable
                  {...form.getInputProps('referent_instructor_id')}
                />
                <Select
                  label={t('students.form.antsStatus')}
                  data={antsOptions}
                  allowDeselect={false}
                  {...form.getInputProps('ants_status')}
                />
                <TextInput
                  label={t('students.form.neph')}
                  description={t('students.form.nephHint')}
                  inputMode="numeric"
                  autoComplete="off"
                  {...form.getInputProps('neph')}
                />
                <TextInput label={t('students.form.contractSignedOn')} type="date" {...form.getInputProps('contract_signed_on')} />
                <TextInput
                  label={t('students.form.startEvaluationDate')}
                  type="date"
                  {...form.getInputProps('start_evaluation_date')}
                />
                <DurationInput
                  label={t('students.form.startEvaluationEstimate')}
                  hours={form.getInputProps('start_evaluation_hours')}
                  minutes={form.getInputProps('start_evaluation_minutes')}
                  disabled={!editable}
                />
              </SimpleGrid>
              <Textarea label={t('students.form.notes')} rows={2} {...form.getInputProps('notes')} />
            </Stack>
          </Fieldset>

          {editable && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                {student ? t('common.save') : t('students.form.create')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}
