import { Anchor, Badge, Button, Card, Chip, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { studentListKey } from '../../api/keys.ts';
import { useAgencyOptions, useInstructorOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { formatMinutes } from '../../lib/duration.ts';
import { useCursorList } from '../../lib/useCursorList.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable } from '../../components/ResponsiveTable.tsx';
import { PageHeader } from '../../shell/PageHeader.tsx';
import { STATUSES, STATUS_COLOR, type StudentStatus } from './api.ts';
import { foldFilter } from '../../lib/people.ts';

/** Search parameters of the list (kept in the address, so that "back" returns to the same list). */
const PARAM = { q: 'q', status: 'statut', referent: 'referent', agency: 'agence' } as const;
const PAGE_SIZE = 50;
/** The chip of the default list (every status but archived). */
const CURRENT = 'current';

/**
 * The student list: debounced search, status chips, referent and agency filters, "Charger plus".
 * The office sees every file (`/eleves`); an instructor the students they teach (`/mes-eleves`, limited by the server).
 */
export function StudentList({ base }: { base: string }) {
  const { t } = useTranslation();
  const { role } = useCurrentSession();
  const office = role === 'ADMIN' || role === 'SECRETARY';
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get(PARAM.q) ?? '');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const rawStatus = params.get(PARAM.status);
  const status: StudentStatus | undefined = STATUSES.find((s) => s === rawStatus);
  const referent = params.get(PARAM.referent) ?? undefined;
  const agency = params.get(PARAM.agency) ?? undefined;
  const { names: agencyNames, options: agencyOptions } = useAgencyOptions();
  const instructors = useInstructorOptions();

  const update = (name: string, value: string | null | undefined) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  };

  // The debounced search goes into the address (and so into the query key).
  useEffect(() => {
    setParams(
      (current) => {
        if ((current.get(PARAM.q) ?? '') === debounced) return current;
        const next = new URLSearchParams(current);
        if (debounced) next.set(PARAM.q, debounced);
        else next.delete(PARAM.q);
        return next;
      },
      { replace: true },
    );
  }, [debounced, setParams]);

  const q = params.get(PARAM.q) ?? undefined;
  const filters = { q, status, referent: office ? referent : undefined, agency };
  const students = useCursorList(studentListKey(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/students', {
        params: {
          query: {
            q: filters.q,
            status: filters.status,
            instructor_id: filters.referent,
            agency_id: filters.agency,
            limit: PAGE_SIZE,
            cursor,
          },
        },
      }),
    ),
  );

  const chipLabels: Record<StudentStatus | typeof CURRENT, string> = {
    current: t('students.filters.statusAll'),
    prospect: t('students.statusFilters.prospect'),
    active: t('students.statusFilters.active'),
    finished: t('students.statusFilters.finished'),
    archived: t('students.statusFilters.archived'),
  };

  return (
    <>
      <PageHeader
        title={office ? t('students.title') : t('students.myTitle')}
        actions={
          office && (
            <Button component={Link} to={`${base}/nouveau`}>
              {t('students.new')}
            </Button>
          )
        }
      />
      <Card withBorder padding="lg">
        <Stack gap="md" mb="md" role="search" aria-label={t('students.filters.label')}>
          <TextInput
            label={t('students.filters.search')}
            placeholder={t('students.filters.searchPlaceholder')}
            type="search"
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            autoComplete="off"
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="students-status-filter">
              {t('students.filters.status')}
            </Text>
            <Chip.Group multiple={false} value={status ?? CURRENT} onChange={(value) => update(PARAM.status, value === CURRENT ? null : value)}>
              <Group gap="xs" role="radiogroup" aria-labelledby="students-status-filter">
                {([CURRENT, ...STATUSES] as const).map((value) => (
                  <Chip key={value} value={value} variant="outline" size="sm">
                    {chipLabels[value]}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {office && (
              <Select
                label={t('students.filters.referent')}
                placeholder={t('students.filters.referentAll')}
                data={instructors.options}
                filter={foldFilter}
                value={referent ?? null}
                onChange={(value) => update(PARAM.referent, value)}
                clearable
                searchable
              />
            )}
            {agencyOptions.length > 1 && (
              <Select
                label={t('students.filters.agency')}
                placeholder={t('students.filters.agencyAll')}
                data={agencyOptions}
                value={agency ?? null}
                onChange={(value) => update(PARAM.agency, value)}
                clearable
              />
            )}
          </SimpleGrid>
        </Stack>
        <QueryView query={students} empty={t('students.empty')} moreLabel={t('students.loadMore')}>
          {(items) => (
            <>
              <Text size="sm" c="dimmed" mb="xs" aria-live="polite">
                {t('students.count', { count: items.length })}
              </Text>
              <ResponsiveTable
                rows={items}
                rowKey={(student) => student.id}
                rowProps={(student) => ({ 'data-testid': `student-${student.id}` })}
                minWidth={720}
                label={office ? t('students.title') : t('students.myTitle')}
                data-testid="students-table"
                columns={[
                  {
                    key: 'name',
                    header: t('students.columns.name'),
                    primary: true,
                    cell: (student) => (
                      <>
                        <Anchor component={Link} to={`${base}/${student.id}`} fw={600}>
                          {student.last_name.toLocaleUpperCase('fr-FR')} {student.first_name}
                        </Anchor>
                        {agencyOptions.length > 1 && (
                          <Text size="xs" c="dimmed" fw={400}>
                            {agencyNames.get(student.agency_id)}
                          </Text>
                        )}
                      </>
                    ),
                  },
                  {
                    key: 'status',
                    header: t('students.columns.status'),
                    cell: (student) => (
                      <Badge color={STATUS_COLOR[student.status]} variant="light" style={{ minWidth: 'max-content' }}>
                        {t(`students.statuses.${student.status}`)}
                      </Badge>
                    ),
                  },
                  { key: 'neph', header: t('students.columns.neph'), nowrap: true, cell: (student) => student.neph ?? t('common.none') },
                  {
                    key: 'phone',
                    header: t('students.columns.phone'),
                    nowrap: true,
                    cell: (student) =>
                      student.phone ? <Anchor href={`tel:${student.phone.replace(/\s+/g, '')}`}>{student.phone}</Anchor> : t('common.none'),
                  },
                  {
                    key: 'referent',
                    header: t('students.columns.referent'),
                    cell: (student) =>
                      student.referent_instructor_id ? (instructors.names.get(student.referent_instructor_id) ?? t('common.none')) : t('common.none'),
                  },
                  {
                    key: 'bookable',
                    header: t('students.columns.bookable'),
                    align: 'right',
                    nowrap: true,
                    cell: (student) => (
                      <Text span inherit c={student.bookable_minutes < 0 ? 'red.8' : undefined}>
                        {formatMinutes(student.bookable_minutes)}
                      </Text>
                    ),
                  },
                ]}
              />
            </>
          )}
        </QueryView>
      </Card>
    </>
  );
}
