import { Alert, Button, Group, List, Radio, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { bookletKey, historyKey } from '../../api/keys.ts';
import { useInstructorOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { ASSESSMENT_KINDS, LEVELS, type Booklet, type Level } from './api.ts';
import {
  assessmentBody,
  emptyAssessment,
  emptyEvaluation,
  errorLines,
  evaluationBody,
  validateAssessment,
  validateEvaluation,
  type AssessmentBody,
  type AssessmentValues,
  type EvaluationBody,
  type EvaluationValues,
} from './forms.ts';
import { levelLabel } from './levels.ts';
import { foldFilter } from '../../lib/people.ts';

/**
 * A refused request: the server's French message and, when there are several, each field's (also those the form
 * does not show, such as a posted list's items).
 */
export function BookletErrorAlert({ error, posted }: { error: unknown; posted?: readonly { item_code: string }[] }) {
  const { t } = useTranslation();
  if (!error) return null;
  const [first, ...rest] = errorLines(error, t, posted);
  return (
    <Alert color="red" role="alert" title={rest.length > 0 ? first : undefined}>
      {rest.length > 0 ? (
        <List size="sm">
          {rest.map((line) => (
            <List.Item key={line}>{line}</List.Item>
          ))}
        </List>
      ) : (
        first
      )}
    </Alert>
  );
}

function useRefreshBooklet(studentId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: bookletKey(studentId) });
    void queryClient.invalidateQueries({ queryKey: historyKey(studentId) });
  };
}

/**
 * An evaluation on its own. For an instructor, a level reached (outside a lesson completion); for the office, a
 * level imported from the student's previous school (`source: "transfer_in"`).
 */
export function EvaluationForm({
  studentId,
  booklet,
  office,
  initialItem,
  onDone,
}: {
  studentId: string;
  booklet: Booklet;
  office: boolean;
  initialItem: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const today = todayIn(useCurrentSession().tenant.timezone);
  const refresh = useRefreshBooklet(studentId);
  const form = useForm<EvaluationValues>({
    mode: 'controlled',
    initialValues: emptyEvaluation(today, initialItem),
    validate: (values) => validateEvaluation(values, today, t),
  });
  const post = useApiForm(form, {
    mutationFn: (body: EvaluationBody) => unwrap(api.POST('/api/v1/students/{id}/booklet/evaluations', { params: { path: { id: studentId } }, body })),
    onSuccess: (saved) => {
      notifySuccess(t('booklet.evaluate.done', { code: saved.item_code, level: levelLabel(saved.level, booklet.labels, t) }));
      refresh();
      onDone();
    },
  });
  const items = booklet.competencies.map((c) => ({
    group: `${c.code} · ${c.title}`,
    items: c.items.map((i) => ({ value: i.code, label: `${i.code} ${i.title}` })),
  }));
  const current = booklet.competencies.flatMap((c) => c.items).find((i) => i.code === form.values.item_code);

  return (
    <form onSubmit={post.onSubmit((values) => evaluationBody(values, office))} noValidate>
      <Stack gap="md">
        {office && (
          <Text size="sm" c="dimmed">
            {t('booklet.evaluate.officeHint')}
          </Text>
        )}
        <BookletErrorAlert error={post.failure} />
        <Select
          label={t('booklet.evaluate.item')}
          placeholder={t('booklet.evaluate.itemPlaceholder')}
          data={items}
          searchable
          required
          allowDeselect={false}
          nothingFoundMessage={t('common.none')}
          comboboxProps={{ withinPortal: false }}
          {...form.getInputProps('item_code')}
        />
        {current && (
          <Text size="sm" mt={-8}>
            {t('booklet.evaluate.current', { level: levelLabel(current.level, booklet.labels, t) })}
          </Text>
        )}
        <Radio.Group
          label={t('booklet.evaluate.level')}
          required
          {...form.getInputProps('level')}
          onChange={(value) => form.setFieldValue('level', LEVELS.find((l) => l === value) ?? '')}
        >
          <Group gap="md" mt={6}>
            {LEVELS.map((level: Level) => (
              <Radio key={level} value={level} label={levelLabel(level, booklet.labels, t)} />
            ))}
          </Group>
        </Radio.Group>
        <TextInput type="date" label={t('booklet.evaluate.date')} required max={today} {...form.getInputProps('evaluated_on')} />
        <Textarea label={t('booklet.evaluate.comment')} autosize minRows={2} {...form.getInputProps('comment')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={post.isPending}>
            {t('booklet.evaluate.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** A formal assessment (bilan de compétences) or the AFFI. The office names the instructor. */
export function AssessmentForm({
  studentId,
  office,
  trainingMode,
  referentInstructorId,
  onDone,
}: {
  studentId: string;
  office: boolean;
  trainingMode?: string | undefined;
  referentInstructorId?: string | null | undefined;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const today = todayIn(useCurrentSession().tenant.timezone);
  const refresh = useRefreshBooklet(studentId);
  const { options } = useInstructorOptions();
  const form = useForm<AssessmentValues>({
    mode: 'controlled',
    initialValues: emptyAssessment(today, office ? referentInstructorId : null),
    validate: (values) => validateAssessment(values, today, t),
  });
  const post = useApiForm(form, {
    mutationFn: (body: AssessmentBody) => unwrap(api.POST('/api/v1/students/{id}/booklet/assessments', { params: { path: { id: studentId } }, body })),
    onSuccess: (saved) => {
      notifySuccess(t('booklet.assessments.done', { kind: t(`booklet.assessments.kinds.${saved.kind === 'affi' ? 'affi' : 'bilan'}`) }));
      refresh();
      onDone();
    },
  });
  const affiRelevant = trainingMode === undefined || trainingMode === 'aac' || trainingMode === 'supervised';

  return (
    <form onSubmit={post.onSubmit((values) => assessmentBody(values, office))} noValidate>
      <Stack gap="md">
        <BookletErrorAlert error={post.failure} />
        <Radio.Group
          label={t('booklet.assessments.kind')}
          required
          {...form.getInputProps('kind')}
          onChange={(value) => form.setFieldValue('kind', ASSESSMENT_KINDS.find((k) => k === value) ?? 'bilan')}
        >
          <Stack gap={6} mt={6}>
            {ASSESSMENT_KINDS.map((kind) => (
              <Radio
                key={kind}
                value={kind}
                label={t(`booklet.assessments.kinds.${kind}`)}
                description={kind === 'affi' && !affiRelevant ? t('booklet.assessments.affiHint') : undefined}
              />
            ))}
          </Stack>
        </Radio.Group>
        <TextInput type="date" label={t('booklet.assessments.date')} required max={today} data-autofocus {...form.getInputProps('date')} />
        {office && (
          <Select
            label={t('booklet.assessments.instructor')}
            placeholder={t('booklet.assessments.instructorNone')}
            data={options}
            filter={foldFilter}
            searchable
            clearable
            comboboxProps={{ withinPortal: false }}
            {...form.getInputProps('instructor_id')}
            onChange={(value: string | null) => form.setFieldValue('instructor_id', value ?? '')}
          />
        )}
        <TextInput label={t('booklet.assessments.result')} placeholder={t('booklet.assessments.resultPlaceholder')} autoComplete="off" {...form.getInputProps('result')} />
        <Textarea label={t('booklet.assessments.comment')} autosize minRows={2} {...form.getInputProps('comment')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={post.isPending}>
            {t('booklet.assessments.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
