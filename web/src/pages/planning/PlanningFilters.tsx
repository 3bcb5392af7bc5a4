import { Button, Group, Select } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAllVehicles } from '../../api/resources.ts';
import { StudentPicker } from '../../components/PersonPicker.tsx';
import { foldFilter } from '../../lib/people.ts';
import { instructorOptions, vehicleOptions, type PlanningData } from './data.ts';
import { NO_FILTERS, type PlanningFilters as Filters } from './queries.ts';
import { LESSON_KINDS, type LessonKind } from './types.ts';

/** The planning's filters: all of them for the office, the type only for the others. */
export function PlanningFilters({
  filters,
  onChange,
  data,
  office,
}: {
  filters: Filters;
  onChange: (filters: Filters) => void;
  data: PlanningData;
  office: boolean;
}) {
  const { t } = useTranslation();
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch });
  // The fleet is loaded when its list is opened (or a car is filtered on), not with the page.
  const [vehiclesWanted, setVehiclesWanted] = useState(false);
  const vehicles = useAllVehicles(office && (vehiclesWanted || filters.vehicle_id !== null)).data ?? [];
  const any = Object.values(filters).some((v) => v !== null);
  const kindSelect = (
    <Select
      label={t('planning.filters.kind')}
      placeholder={t('planning.filters.kindAll')}
      data={LESSON_KINDS.map((k) => ({ value: k, label: t(`planning.kinds.${k}`) }))}
      value={filters.kind}
      onChange={(v) => set({ kind: LESSON_KINDS.find((k): k is LessonKind => k === v) ?? null })}
      clearable
      w={{ base: '100%', xs: 180 }}
    />
  );
  if (!office) {
    return (
      <Group gap="sm" align="flex-end" role="group" aria-label={t('planning.filters.label')}>
        {kindSelect}
      </Group>
    );
  }
  return (
    <Group gap="sm" align="flex-end" role="group" aria-label={t('planning.filters.label')}>
      <Select
        label={t('planning.filters.agency')}
        placeholder={t('planning.filters.agencyAll')}
        data={data.agencies.map((a) => ({ value: a.id, label: a.name }))}
        value={filters.agency_id}
        onChange={(v) => set({ agency_id: v })}
        clearable
        w={{ base: '100%', xs: 180 }}
      />
      <Select
        label={t('planning.filters.instructor')}
        placeholder={t('planning.filters.instructorAll')}
        data={instructorOptions(data.instructors, filters.agency_id)}
        value={filters.instructor_id}
        onChange={(v) => set({ instructor_id: v })}
        searchable
        filter={foldFilter}
        clearable
        w={{ base: '100%', xs: 200 }}
      />
      <Select
        label={t('planning.filters.vehicle')}
        placeholder={t('planning.filters.vehicleAll')}
        data={vehicleOptions(vehicles, filters.agency_id)}
        onDropdownOpen={() => setVehiclesWanted(true)}
        value={filters.vehicle_id}
        onChange={(v) => set({ vehicle_id: v })}
        searchable
        clearable
        w={{ base: '100%', xs: 220 }}
      />
      <StudentPicker
        label={t('planning.filters.student')}
        placeholder={t('planning.filters.studentAll')}
        value={filters.student_id}
        onChange={(v) => set({ student_id: v })}
        knownNames={data.studentNames}
        w={{ base: '100%', xs: 260 }}
        data-testid="student-filter"
      />
      {kindSelect}
      {any && (
        <Button variant="subtle" onClick={() => onChange(NO_FILTERS)}>
          {t('planning.filters.reset')}
        </Button>
      )}
    </Group>
  );
}
