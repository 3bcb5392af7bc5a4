import { Anchor, Badge, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCurrentSession } from '../../api/session.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { Exam, ExamResult, RuleStatus } from './api.ts';
import { RESULT_COLOR, RULE_STATUS_COLOR, scoreText } from './logic.ts';
import { ScrollTable } from '../../components/ScrollTable.tsx';

/** A result as a badge that says it in words (the colour is never the only cue). */
export function ResultBadge({ result }: { result: ExamResult }) {
  const { t } = useTranslation();
  return (
    <Badge color={RESULT_COLOR[result]} variant="filled" tt="none" data-result={result} style={{ minWidth: 'max-content' }}>
      {t(`exams.results.${result}`)}
    </Badge>
  );
}

/** An eligibility rule's status, written out ("OK", "Attention", "Bloquant"). */
export function RuleStatusBadge({ status }: { status: RuleStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={RULE_STATUS_COLOR[status]} variant="filled" tt="none" data-status={status} miw={84} style={{ flexShrink: 0 }}>
      {t(`exams.ruleStatus.${status}`)}
    </Badge>
  );
}

/** The details of an exam: eliminatory fault, excuse, override, comment. */
export function ExamDetails({ exam }: { exam: Exam }) {
  const { t } = useTranslation();
  const parts: string[] = [];
  if (exam.eliminatory) parts.push(t('exams.eliminatoryShort'));
  if (exam.excused) parts.push(t('exams.excusedShort'));
  return (
    <Stack gap={2}>
      {parts.length > 0 && <Text size="sm">{parts.join(' · ')}</Text>}
      {exam.override_reason && (
        <Text size="sm" c="dimmed">
          {t('exams.overridden', { reason: exam.override_reason })}
        </Text>
      )}
      {exam.comment && <Text size="sm">{exam.comment}</Text>}
      {parts.length === 0 && !exam.override_reason && !exam.comment && <Text size="sm">{t('common.none')}</Text>}
    </Stack>
  );
}

/**
 * Exams as a table (newest first as given): date, [student], test, centre, result, score, details. `studentBase` makes
 * the student's name a link (`/eleves`).
 */
export function ExamTable({ exams, studentBase, testId }: { exams: readonly Exam[]; studentBase?: string; testId?: string }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const withStudent = studentBase !== undefined;
  return (
    <ScrollTable label={t('exams.tab')} minWidth={withStudent ? 820 : 640}>
      <Table striped verticalSpacing="sm" data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('exams.history.date')}</Table.Th>
            {withStudent && <Table.Th scope="col">{t('exams.history.student')}</Table.Th>}
            <Table.Th scope="col">{t('exams.history.kind')}</Table.Th>
            <Table.Th scope="col">{t('exams.history.centre')}</Table.Th>
            <Table.Th scope="col">{t('exams.history.result')}</Table.Th>
            <Table.Th scope="col">{t('exams.history.score')}</Table.Th>
            <Table.Th scope="col">{t('exams.history.details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {exams.map((exam) => (
            <Table.Tr key={exam.id} data-testid={`exam-${exam.id}`} data-kind={exam.kind}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(exam.scheduled_at, zone)}</Table.Td>
              {withStudent && (
                <Table.Td>
                  <Anchor component={Link} to={`${studentBase}/${exam.student_id}?onglet=examens`}>
                    {exam.student_name}
                  </Anchor>
                </Table.Td>
              )}
              <Table.Td>{t(`exams.kinds.${exam.kind}`)}</Table.Td>
              <Table.Td>{exam.centre ?? t('common.none')}</Table.Td>
              <Table.Td>
                <ResultBadge result={exam.result} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{scoreText(exam, t) ?? t('common.none')}</Table.Td>
              <Table.Td>
                <ExamDetails exam={exam} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}
