import { useState } from 'react';
import { Alert, Button, Checkbox, Group, List, NumberInput, Radio, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { useInstructorOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { parseRules, refusalText } from '../planning/conflict.ts';
import { EXAM_KINDS, EXAM_RESULTS, invalidateAfterExam, useExamVehicles } from './api.ts';
import {
  SCORE_RULES,
  emptyExamForm,
  examBody,
  takesEliminatory,
  takesExcuse,
  takesScore,
  validateExamForm,
  type ExamFormValues,
} from './logic.ts';
import { foldFilter } from '../../lib/people.ts';
import { StudentPicker } from '../../components/PersonPicker.tsx';

/**
 * "Enregistrer un examen" (office): a theory or practical test for a student, a booking or a past one with its
 * result and score. A future practical test is checked against the eligibility rules: the refusing rules are shown,
 * and an ADMIN may record it anyway with a reason (audited).
 */
export function RecordExamForm({ studentId = null, onDone }: { studentId?: string | null; onDone: () => void }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const zone = session.tenant.timezone;
  const admin = session.role === 'ADMIN';
  const queryClient = useQueryClient();
  const [overriding, setOverriding] = useState(false);
  const form = useForm<ExamFormValues>({
    mode: 'controlled',
    initialValues: emptyExamForm(studentId),
    validate: (values) => validateExamForm(values, zone, Date.now(), t, overriding),
  });
  const values = form.values;
  const accompanied = values.kind === 'practical' && values.result === 'pending';
  const { options: instructorOptions } = useInstructorOptions();
  const { options: vehicleOptions } = useExamVehicles(accompanied);

  const save = useApiForm(form, {
    mutationFn: (body: NonNullable<ReturnType<typeof examBody>>) => unwrap(api.POST('/api/v1/exams', { body })),
    onSuccess: (exam) => {
      invalidateAfterExam(queryClient, exam.student_id);
      notifySuccess(t('exams.recorded', { name: exam.student_name }));
      onDone();
    },
    onError: (error) => {
      if (admin && error instanceof ApiError && error.status === 422 && parseRules(error).length > 0) setOverriding(true);
    },
  });

  const rules = parseRules(save.error);
  const { max } = SCORE_RULES[values.kind];

  return (
    <form
      onSubmit={save.onSubmit((v) => examBody(overriding ? v : { ...v, override_reason: '' }, zone))}
      noValidate
      aria-label={t('exams.recordTitle')}
    >
      <Stack gap="sm">
        {studentId === null && (
          <StudentPicker
            label={t('exams.fields.student')}
            placeholder={t('exams.fields.studentSearch')}
            value={values.student_id}
            onChange={(id) => form.setFieldValue('student_id', id)}
            error={form.errors.student_id}
            required
          />
        )}
        <Radio.Group
          label={t('exams.fields.kind')}
          value={values.kind}
          onChange={(v) => {
            const kind = EXAM_KINDS.find((k) => k === v) ?? 'theory';
            form.setFieldValue('kind', kind);
            if (kind === 'theory') form.setFieldValue('eliminatory', false);
          }}
        >
          <Group gap="md" mt={4}>
            {EXAM_KINDS.map((kind) => (
              <Radio key={kind} value={kind} label={t(`exams.kinds.${kind}`)} />
            ))}
          </Group>
        </Radio.Group>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <TextInput type="datetime-local" label={t('exams.fields.scheduledAt')} required {...form.getInputProps('scheduled_at')} />
          <TextInput label={t('exams.fields.centre')} autoComplete="off" {...form.getInputProps('centre')} />
          <Select
            label={t('exams.fields.result')}
            data={EXAM_RESULTS.map((r) => ({ value: r, label: t(`exams.results.${r}`) }))}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
            {...form.getInputProps('result')}
            onChange={(v) => form.setFieldValue('result', EXAM_RESULTS.find((r) => r === v) ?? 'pending')}
          />
          <NumberInput
            label={t('exams.fields.scoreOf', { max })}
            min={0}
            max={max}
            allowDecimal={false}
            allowNegative={false}
            disabled={!takesScore(values.result)}
            description={t('exams.fields.optional')}
            {...form.getInputProps('score')}
          />
        </SimpleGrid>
        {takesEliminatory(values.kind, values.result) && (
          <Checkbox label={t('exams.fields.eliminatory')} {...form.getInputProps('eliminatory', { type: 'checkbox' })} />
        )}
        {takesExcuse(values.result) && (
          <Checkbox
            label={t('exams.fields.excused')}
            description={t('exams.fields.excusedHint')}
            {...form.getInputProps('excused', { type: 'checkbox' })}
          />
        )}
        {accompanied && (
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <Select
              label={t('exams.fields.instructor')}
              placeholder={t('exams.fields.optional')}
              data={instructorOptions}
              filter={foldFilter}
              clearable
              searchable
              comboboxProps={{ withinPortal: false }}
              {...form.getInputProps('instructor_id')}
            />
            <Select
              label={t('exams.fields.vehicle')}
              placeholder={t('exams.fields.optional')}
              description={t('exams.fields.accompanimentHint')}
              data={vehicleOptions}
              clearable
              comboboxProps={{ withinPortal: false }}
              {...form.getInputProps('vehicle_id')}
            />
          </SimpleGrid>
        )}
        <Textarea label={t('exams.fields.comment')} autosize minRows={2} {...form.getInputProps('comment')} />

        {rules.length > 0 && (
          <Alert color="red" role="alert" title={t('exams.refused')}>
            <List size="sm">
              {rules.map((r) => (
                <List.Item key={r.code + r.message}>{r.message}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        {save.failure && rules.length === 0 && (
          <Alert color="red" role="alert">
            {refusalText(save.failure, zone, t)}
          </Alert>
        )}
        {overriding && (
          <Stack gap={4}>
            <Text fw={600} size="sm">
              {t('exams.overrideTitle')}
            </Text>
            <Textarea
              label={t('exams.fields.overrideReason')}
              description={t('exams.fields.overrideHint')}
              required
              autosize
              minRows={2}
              {...form.getInputProps('override_reason')}
            />
          </Stack>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} color={overriding ? 'red.8' : undefined}>
            {overriding ? t('exams.overrideSubmit') : t('exams.record')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
