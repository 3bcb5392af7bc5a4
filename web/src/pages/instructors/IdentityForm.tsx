import {
  Button,
  Card,
  ColorInput,
  Fieldset,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, unwrap, type Instructor } from '../../api/client.ts';
import { INSTRUCTOR_ACCOUNTS_KEY, INSTRUCTOR_LISTS_KEY, instructorKey } from '../../api/keys.ts';
import { useAgencyOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { optional } from '../../lib/formErrors.ts';
import { LICENCE_CATEGORIES } from '../../lib/licence.ts';
import { notifyStale, notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { validateEmail } from '../../lib/passwords.ts';
import { PageHeader } from '../../shell/PageHeader.tsx';

interface IdentityValues {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  authorisation_number: string;
  authorisation_expires_on: string;
  categories: string[];
  colour: string;
  weekly_contract_hours: number | string;
  agency_id: string | null;
  user_id: string | null;
  active: boolean;
}

const SWATCHES = ['#1971c2', '#c2255c', '#2f9e44', '#e8590c', '#7048e8', '#0c8599', '#e03131', '#5c940d', '#f08c00', '#495057'];

function toValues(instructor: Instructor | undefined, defaultAgency: string | null): IdentityValues {
  return {
    first_name: instructor?.first_name ?? '',
    last_name: instructor?.last_name ?? '',
    email: instructor?.email ?? '',
    phone: instructor?.phone ?? '',
    authorisation_number: instructor?.authorisation_number ?? '',
    authorisation_expires_on: instructor?.authorisation_expires_on ?? '',
    categories: instructor?.categories ?? ['B'],
    colour: instructor?.colour ?? '#1971c2',
    weekly_contract_hours:
      instructor?.weekly_contract_minutes === null || instructor?.weekly_contract_minutes === undefined
        ? instructor
          ? ''
          : 35
        : Math.round((instructor.weekly_contract_minutes / 60) * 100) / 100,
    agency_id: instructor?.agency_id ?? defaultAgency,
    user_id: instructor?.user_id ?? null,
    active: instructor?.active ?? true,
  };
}

function toBody(values: IdentityValues) {
  const hours = values.weekly_contract_hours;
  return {
    first_name: values.first_name.trim(),
    last_name: values.last_name.trim(),
    email: optional(values.email),
    phone: optional(values.phone),
    authorisation_number: optional(values.authorisation_number),
    authorisation_expires_on: values.authorisation_expires_on || null,
    categories: values.categories,
    colour: values.colour.trim(),
    weekly_contract_minutes: hours === '' ? null : Math.round(Number(hours) * 60),
    ...(values.agency_id ? { agency_id: values.agency_id } : {}),
    user_id: values.user_id,
    active: values.active,
  };
}

const RENAME = { weekly_contract_minutes: 'weekly_contract_hours' };

/** The INSTRUCTOR accounts of the school, to link one to the record (ADMIN only: the users list is theirs). */
function useInstructorAccounts(enabled: boolean) {
  return useQuery({
    queryKey: INSTRUCTOR_ACCOUNTS_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { role: 'INSTRUCTOR', limit: 200 } } })),
    enabled,
    select: (page) => page.items,
  });
}

/** /moniteurs/nouveau */
export function NewInstructor() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader
        title={t('instructors.newTitle')}
        actions={
          <Button variant="subtle" component={Link} to="/moniteurs">
            {t('instructors.back')}
          </Button>
        }
      />
      <IdentityForm editable />
    </>
  );
}

/** The "Identité" tab (and the creation form): ADMIN edits, others read. */
export function IdentityForm({ instructor, editable }: { instructor?: Instructor; editable: boolean }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { options: agencyOptions } = useAgencyOptions();
  const accounts = useInstructorAccounts(editable && session.role === 'ADMIN');
  const required = (value: string) => (value.trim() === '' ? t('validation.required') : null);
  const form = useForm<IdentityValues>({
    mode: 'controlled',
    initialValues: toValues(instructor, agencyOptions[0]?.value ?? null),
    validate: {
      first_name: required,
      last_name: required,
      email: (value) => (value.trim() === '' ? null : validateEmail(value, t)),
      categories: (value) => (value.length === 0 ? t('validation.required') : null),
    },
  });

  const save = useApiForm(form, {
    mutationFn: (body: ReturnType<typeof toBody>) =>
      instructor
        ? unwrap(api.PATCH('/api/v1/instructors/{id}', { params: { path: { id: instructor.id } }, body: { ...body, version: instructor.version } }))
        : unwrap(api.POST('/api/v1/instructors', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(instructorKey(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: INSTRUCTOR_LISTS_KEY });
      const name = `${saved.first_name} ${saved.last_name}`;
      notifySuccess(t(instructor ? 'instructors.saved' : 'instructors.created', { name }));
      if (!instructor) void navigate(`/moniteurs/${saved.id}`, { replace: true });
    },
    rename: RENAME,
    onStale: () => {
      notifyStale(t('instructors.stale'));
      if (instructor) void queryClient.invalidateQueries({ queryKey: instructorKey(instructor.id) });
    },
  });

  const accountOptions = (accounts.data ?? []).map((m) => ({ value: m.id, label: m.display_name ? `${m.display_name} (${m.email})` : m.email }));
  if (instructor?.user_id && !accountOptions.some((o) => o.value === instructor.user_id)) {
    accountOptions.push({ value: instructor.user_id, label: instructor.email ?? instructor.user_id });
  }

  return (
    <Card withBorder padding="lg">
      <form onSubmit={save.onSubmit(toBody)} noValidate>
        <Stack gap="md">
          {!editable && <Text c="dimmed">{t('common.readOnly')}</Text>}
          <FormError error={save.failure} />
          <Fieldset variant="unstyled" disabled={!editable} p={0}>
            <Stack gap="md">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <TextInput label={t('instructors.form.firstName')} required autoComplete="off" {...form.getInputProps('first_name')} />
                <TextInput label={t('instructors.form.lastName')} required autoComplete="off" {...form.getInputProps('last_name')} />
                <TextInput label={t('instructors.form.email')} type="email" autoComplete="off" {...form.getInputProps('email')} />
                <TextInput label={t('instructors.form.phone')} type="tel" autoComplete="off" {...form.getInputProps('phone')} />
                <TextInput label={t('instructors.form.authorisationNumber')} autoComplete="off" {...form.getInputProps('authorisation_number')} />
                <TextInput
                  label={t('instructors.form.authorisationExpiresOn')}
                  type="date"
                  {...form.getInputProps('authorisation_expires_on')}
                />
                <MultiSelect
                  label={t('instructors.form.categories')}
                  data={[...LICENCE_CATEGORIES]}
                  required
                  searchable
                  {...form.getInputProps('categories')}
                />
                <ColorInput
                  label={t('instructors.form.colour')}
                  format="hex"
                  swatches={SWATCHES}
                  withEyeDropper={false}
                  {...form.getInputProps('colour')}
                />
                <NumberInput
                  label={t('instructors.form.contract')}
                  min={0}
                  max={80}
                  step={0.5}
                  decimalScale={2}
                  decimalSeparator=","
                  allowNegative={false}
                  {...form.getInputProps('weekly_contract_hours')}
                />
                <Select
                  label={t('instructors.form.agency')}
                  placeholder={t('common.firstAgency')}
                  data={agencyOptions}
                  allowDeselect={false}
                  {...form.getInputProps('agency_id')}
                />
                {session.role === 'ADMIN' && (
                  <Select
                    label={t('instructors.form.user')}
                    description={t('instructors.form.userHint')}
                    placeholder={t('instructors.form.noUser')}
                    data={accountOptions}
                    clearable
                    searchable
                    {...form.getInputProps('user_id')}
                  />
                )}
              </SimpleGrid>
              {instructor && (
                <Switch
                  label={t('instructors.form.active')}
                  description={t('instructors.form.activeHint')}
                  {...form.getInputProps('active', { type: 'checkbox' })}
                />
              )}
            </Stack>
          </Fieldset>
          {editable && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                {instructor ? t('common.save') : t('instructors.form.create')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}
