/**
 * Pickers of people. Students are searched by the server (GET /students?q=: every word matches the start of a word
 * of the names, e-mail, phone or NEPH, ignoring case and accents — the same search as the student list), typing
 * debounced; each option tells two namesakes apart (birth date, end of the NEPH). Instructors are few and loaded
 * once: they are filtered here, with the same folding of case and accents.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { MultiSelect, Select, type ComboboxItem, type OptionsFilter, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { studentPickedKey, studentSearchKey } from '../api/keys.ts';
import { foldFilter, studentLabel, type StudentStatus } from '../lib/people.ts';

/** The server has filtered: show what it answered. */
const serverFilter: OptionsFilter = ({ options }) => options;

const SEARCH_LIMIT = 20;
const DEBOUNCE_MS = 250;

/**
 * The students matching the typed words (debounced), as options; `statuses` keeps only those. Nothing is asked before
 * the list is first opened or something is typed: a page full of pickers costs no request until one is used.
 */
function useStudentSearch(search: string, skip: ReadonlySet<string>, statuses: readonly StudentStatus[] | undefined, opened: boolean) {
  const { t } = useTranslation();
  const [debounced] = useDebouncedValue(search.trim(), DEBOUNCE_MS);
  // The box shows a chosen option's label: that is not a search.
  const q = skip.has(debounced) ? '' : debounced;
  const query = useQuery({
    queryKey: studentSearchKey(q),
    queryFn: () => unwrap(api.GET('/api/v1/students', { params: { query: { limit: SEARCH_LIMIT, ...(q ? { q } : {}) } } })),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    enabled: opened || q !== '',
  });
  const found: ComboboxItem[] = (query.data?.items ?? [])
    .filter((s) => !statuses || statuses.includes(s.status))
    .map((s) => ({ value: s.id, label: studentLabel(s, t) }));
  const settling = query.isFetching || debounced !== search.trim();
  return { found, settling };
}

export interface StudentPickerProps {
  label: ReactNode;
  value: string | null;
  onChange: (id: string | null) => void;
  error?: ReactNode;
  required?: boolean;
  placeholder?: string;
  /** Names already known by id (e.g. the planning's), so that a preset value shows without a request. */
  knownNames?: ReadonlyMap<string, string>;
  /** Only students with these statuses are offered (e.g. those who may still be booked). */
  statuses?: readonly StudentStatus[];
  clearable?: boolean;
  disabled?: boolean;
  /** Width (style prop), e.g. in a row of filters. */
  w?: SelectProps['w'];
  'data-testid'?: string;
}

/** One student, found by typing. */
export function StudentPicker({
  label,
  value,
  onChange,
  error,
  required = false,
  placeholder,
  knownNames,
  statuses,
  clearable = true,
  disabled,
  w,
  'data-testid': testId = 'student-picker',
}: StudentPickerProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<ComboboxItem | null>(null);
  const skip = useMemo(() => new Set(chosen ? [chosen.label] : []), [chosen]);
  const [opened, setOpened] = useState(false);
  const { found, settling } = useStudentSearch(search, skip, statuses, opened);
  // A preset value (editing) whose label is not known yet: read that one file.
  const known = value !== null && (chosen?.value === value || found.some((o) => o.value === value) || knownNames?.has(value));
  const preset = useQuery({
    queryKey: studentPickedKey(value),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}', { params: { path: { id: value ?? '' } } })),
    enabled: value !== null && !known,
    staleTime: 60_000,
  });
  const current: ComboboxItem | null =
    value === null
      ? null
      : chosen?.value === value
        ? chosen
        : preset.data?.id === value
          ? { value, label: studentLabel(preset.data, t) }
          : knownNames?.has(value)
            ? { value, label: knownNames.get(value) ?? '' }
            : null;
  const data = current && !found.some((o) => o.value === current.value) ? [current, ...found] : found;
  return (
    <Select
      label={label}
      placeholder={placeholder ?? t('people.searchStudent')}
      searchable
      clearable={clearable}
      required={required}
      disabled={disabled}
      data={data}
      value={value}
      onChange={(id, option) => {
        setChosen(option ? { value: option.value, label: option.label } : null);
        onChange(id);
      }}
      searchValue={search}
      onSearchChange={setSearch}
      onDropdownOpen={() => setOpened(true)}
      filter={serverFilter}
      nothingFoundMessage={settling ? t('people.searching') : t('people.noStudent')}
      error={error}
      w={w}
      data-testid={testId}
    />
  );
}

export interface StudentMultiPickerProps {
  label: ReactNode;
  value: string[];
  onChange: (ids: string[]) => void;
  error?: ReactNode;
  required?: boolean;
  placeholder?: string;
  knownNames?: ReadonlyMap<string, string>;
  statuses?: readonly StudentStatus[];
}

/** Several students (a code session's attendees, an exam's candidates), each found by typing. */
export function StudentMultiPicker({ label, value, onChange, error, required = false, placeholder, knownNames, statuses }: StudentMultiPickerProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<ReadonlyMap<string, ComboboxItem>>(() => new Map());
  const [opened, setOpened] = useState(false);
  const { found, settling } = useStudentSearch(search, useMemo(() => new Set<string>(), []), statuses, opened);
  const selected: ComboboxItem[] = value.map(
    (id) => picked.get(id) ?? found.find((o) => o.value === id) ?? { value: id, label: knownNames?.get(id) ?? t('people.noPerson') },
  );
  const data = [...selected, ...found.filter((o) => !value.includes(o.value))];
  return (
    <MultiSelect
      label={label}
      placeholder={placeholder ?? t('people.searchStudent')}
      searchable
      clearable
      required={required}
      data={data}
      value={value}
      onChange={(ids) => {
        const next = new Map(picked);
        for (const o of data) if (ids.includes(o.value)) next.set(o.value, o);
        setPicked(next);
        onChange(ids);
      }}
      searchValue={search}
      onSearchChange={setSearch}
      onDropdownOpen={() => setOpened(true)}
      filter={serverFilter}
      hidePickedOptions
      nothingFoundMessage={settling ? t('people.searching') : t('people.noStudent')}
      error={error}
      data-testid="students-picker"
    />
  );
}

export interface PersonOption {
  value: string;
  label: string;
}

/** A person from a list the page holds (instructors), filtered by word prefixes ignoring case and accents. */
export function PersonSelect({
  label,
  data,
  value,
  onChange,
  error,
  required = false,
  clearable = true,
  placeholder,
  description,
  disabled,
}: {
  label: ReactNode;
  data: readonly PersonOption[];
  value: string | null;
  onChange: (id: string | null) => void;
  error?: ReactNode;
  required?: boolean;
  clearable?: boolean;
  placeholder?: string;
  description?: ReactNode;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Select
      label={label}
      description={description}
      placeholder={placeholder}
      data={data}
      value={value}
      onChange={(id) => onChange(id)}
      searchable
      clearable={clearable}
      required={required}
      disabled={disabled}
      filter={foldFilter}
      nothingFoundMessage={t('people.noPerson')}
      error={error}
    />
  );
}
