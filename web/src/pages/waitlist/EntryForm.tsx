/**
 * Puts a student on the waitlist or changes their windows (a second POST for the same student replaces the first):
 * the office picks the student, a student states their own. The server's field errors land under the rows.
 */
import { Button, Group, MultiSelect, Stack, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { WAITLIST_KEY } from '../../api/keys.ts';
import { useInstructorOptions } from '../../api/resources.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { StudentPicker } from '../../components/PersonPicker.tsx';
import { formErrors } from '../../lib/formErrors.ts';
import { foldFilter } from '../../lib/people.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { BOOKABLE_STATUSES } from '../planning/data.ts';
import { saveEntry, type WaitlistEntry } from './api.ts';
import { rowProblems, rowsFromWindows, windowsFromRows, nextRow, type WindowRow } from './format.ts';
import { WindowsEditor } from './parts.tsx';

/** The errors less those of a field (and of its items). */
const without = (field: string) => (errors: Record<string, string>) =>
  Object.fromEntries(Object.entries(errors).filter(([path]) => path !== field && !path.startsWith(`${field}.`)));

export interface EntryFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** The entry being changed; null to add one. */
  entry: WaitlistEntry | null;
  /** A student states their own windows: the student is fixed and not shown. */
  self?: { studentId: string } | null;
}

export function EntryFormModal({ opened, onClose, entry, self = null }: EntryFormModalProps) {
  const { t } = useTranslation();
  const title = self
    ? entry
      ? t('waitlist.form.myEditTitle')
      : t('waitlist.form.joinTitle')
    : entry
      ? t('waitlist.form.editTitle', { name: entry.student_name })
      : t('waitlist.form.newTitle');
  return (
    <AppModal opened={opened} onClose={onClose} title={title} size="lg">
      {opened && <EntryForm key={entry ? `${entry.id}-${String(entry.version)}` : 'new'} entry={entry} self={self} onDone={onClose} />}
    </AppModal>
  );
}

function EntryForm({ entry, self, onDone }: { entry: WaitlistEntry | null; self: { studentId: string } | null; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const instructors = useInstructorOptions();
  const [studentId, setStudentId] = useState<string | null>(self?.studentId ?? entry?.student_id ?? null);
  const [rows, setRows] = useState<WindowRow[]>(() => (entry ? rowsFromWindows(entry.windows) : [nextRow([])]));
  const [instructorIds, setInstructorIds] = useState<string[]>(() => entry?.instructor_ids ?? []);
  const [note, setNote] = useState(entry?.note ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: saveEntry,
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: WAITLIST_KEY });
      const name = saved.student_name;
      notifySuccess(
        self ? t(entry ? 'waitlist.form.myUpdated' : 'waitlist.form.myJoined') : t(entry ? 'waitlist.form.updated' : 'waitlist.form.joined', { name }),
      );
      onDone();
    },
    onError: (error) => setErrors(formErrors(error)),
  });

  const rowErrors: Record<number, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const m = /^windows\.(\d+)/.exec(path);
    if (m) rowErrors[Number(m[1])] ??= message;
  }
  const listError = errors.windows ?? null;

  const submit = () => {
    const found: Record<string, string> = {};
    if (!studentId) found.student_id = t('waitlist.form.studentRequired');
    if (rows.length === 0) found.windows = t('waitlist.windows.none');
    for (const [index, problem] of Object.entries(rowProblems(rows))) {
      found[`windows.${index}`] = t(problem === 'time' ? 'waitlist.windows.invalidTime' : 'waitlist.windows.order');
    }
    setErrors(found);
    if (Object.keys(found).length > 0 || !studentId) return;
    save.mutate({ student_id: studentId, windows: windowsFromRows(rows), instructor_ids: instructorIds, note: note.trim() === '' ? null : note.trim() });
  };

  // The instructors chosen before, even if no longer active, keep their name.
  const instructorData = [
    ...instructors.options,
    ...instructorIds.filter((id) => !instructors.options.some((o) => o.value === id)).map((id) => ({ value: id, label: instructors.names.get(id) ?? id })),
  ];
  const knownNames = entry ? new Map([[entry.student_id, entry.student_name]]) : undefined;
  // A refusal whose messages are all under the fields shown is said there; anything else above the form.
  const shown = (path: string) => path.startsWith('windows') || path === 'instructor_ids' || path === 'note' || (path === 'student_id' && !self);
  const refusedFields = save.error ? Object.keys(formErrors(save.error)) : [];
  const general = save.error && (refusedFields.length === 0 || !refusedFields.every(shown)) ? save.error : null;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="md">
        <FormError error={general} />
        {!self && (
          <StudentPicker
            label={t('waitlist.form.student')}
            value={studentId}
            onChange={(id) => {
              setStudentId(id);
              setErrors(without('student_id'));
            }}
            error={errors.student_id}
            knownNames={knownNames}
            statuses={BOOKABLE_STATUSES}
            disabled={entry !== null}
            clearable={entry === null}
            required
          />
        )}
        <WindowsEditor
          rows={rows}
          onChange={(next) => {
            setRows(next);
            setErrors(without('windows'));
          }}
          errors={rowErrors}
          error={listError}
          help={self ? t('waitlist.windows.myHelp') : t('waitlist.windows.help')}
        />
        <MultiSelect
          label={t('waitlist.form.instructors')}
          description={t('waitlist.form.instructorsHelp')}
          placeholder={instructorIds.length === 0 ? t('waitlist.form.instructorsPlaceholder') : undefined}
          data={instructorData}
          value={instructorIds}
          onChange={setInstructorIds}
          searchable
          filter={foldFilter}
          clearable
          hidePickedOptions
          error={errors.instructor_ids}
        />
        <Textarea
          label={t('waitlist.form.note')}
          description={t('waitlist.form.noteHelp')}
          maxLength={300}
          autosize
          minRows={2}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={errors.note}
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('waitlist.form.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
