import { useState, type ReactNode } from 'react';
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { formatCalendarDate } from '../../lib/format.ts';

interface Option {
  value: string;
  label: string;
}

/** A student chosen by typing (GET /students?q=: words of the names, e-mail, phone or NEPH, accents ignored). */
export function StudentPicker({
  value,
  onChange,
  error,
  required = false,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  error?: ReactNode;
  required?: boolean;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<Option | null>(null);
  const [debounced] = useDebouncedValue(search.trim(), 250);
  // Once a student is chosen, the box shows their label: do not search for it.
  const q = chosen !== null && debounced === chosen.label ? '' : debounced;
  const students = useQuery({
    queryKey: ['students', 'picker', q],
    queryFn: () => unwrap(api.GET('/api/v1/students', { params: { query: { limit: 20, ...(q ? { q } : {}) } } })),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const found: Option[] = (students.data?.items ?? []).map((s) => ({
    value: s.id,
    label: `${s.first_name} ${s.last_name} · ${formatCalendarDate(s.birth_date)}`,
  }));
  const options = chosen && !found.some((o) => o.value === chosen.value) ? [chosen, ...found] : found;
  return (
    <Select
      label={t('exams.fields.student')}
      placeholder={t('exams.fields.studentSearch')}
      searchable
      required={required}
      data={options}
      value={value}
      onChange={(id, option) => {
        setChosen(option ? { value: option.value, label: option.label } : null);
        onChange(id);
      }}
      searchValue={search}
      onSearchChange={setSearch}
      // The server filters; show what it answers.
      filter={({ options: all }) => all}
      nothingFoundMessage={students.isFetching ? t('app.loading') : t('exams.fields.studentNone')}
      error={error}
      comboboxProps={{ withinPortal: false }}
      data-testid="student-picker"
    />
  );
}
