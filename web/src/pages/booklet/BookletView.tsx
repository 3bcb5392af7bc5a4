import { useId, useState } from 'react';
import { Box, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useInstructorOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { ScrollTable } from '../../components/ScrollTable.tsx';
import { LEVELS, bookletPdfUrl, useBooklet, type Booklet, type BookletCompetency, type BookletItem, type Level } from './api.ts';
import { AssessmentForm, EvaluationForm } from './BookletForms.tsx';
import { LevelBadge } from './LevelBadge.tsx';
import { levelLabel } from './levels.ts';
import { ProgressBar } from './ProgressBar.tsx';

export interface BookletViewProps {
  studentId: string;
  /** The office or an instructor: evaluations (and assessments) may be added. */
  editable: boolean;
  /** The student's training mode (the AFFI is for AAC and supervised driving). */
  trainingMode?: string | undefined;
  /** The student's referent, proposed as the instructor of a new assessment. */
  referentInstructorId?: string | null | undefined;
}

type Dialog = { kind: 'evaluate'; itemCode: string } | { kind: 'assess' } | { kind: 'history'; item: BookletItem } | null;

/**
 * The "Livret" tab of a student (office, instructor) and "Mon livret" (the student): overall progress, one card per
 * competency with its items, levels and history, the assessments, and the printable PDF.
 */
export function BookletView(props: BookletViewProps) {
  const booklet = useBooklet(props.studentId);
  return <QueryView query={booklet}>{(data) => <BookletContent {...props} data={data} />}</QueryView>;
}

function BookletContent({ studentId, editable, trainingMode, referentInstructorId, data }: BookletViewProps & { data: Booklet }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const office = session.role === 'ADMIN' || session.role === 'SECRETARY';
  const { names } = useInstructorOptions();
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => setDialog(null);
  const label = (level: Level) => levelLabel(level, data.labels, t);
  const evaluate = (itemCode = '') => setDialog({ kind: 'evaluate', itemCode });

  return (
    <Stack gap="lg" data-testid="booklet">
      <SectionCard
        title={t('booklet.overall.title')}
        hint={t('booklet.overall.reference', { reference: data.reference, version: data.version })}
        data-testid="booklet-overall"
        actions={
          <Group gap="xs">
            <Button component="a" href={bookletPdfUrl(studentId)} target="_blank" rel="noopener" variant="default">
              {t('booklet.overall.pdf')}
            </Button>
            {editable && <Button onClick={() => evaluate()}>{office ? t('booklet.evaluate.importLevel') : t('booklet.evaluate.add')}</Button>}
            {editable && (
              <Button variant="light" onClick={() => setDialog({ kind: 'assess' })}>
                {t('booklet.assessments.add')}
              </Button>
            )}
          </Group>
        }
      >
        <ProgressBar value={data.progress} label={t('booklet.overall.progressLabel')} size="xl" testId="booklet-progress" />
        <Text mt="xs" fw={600} data-testid="booklet-acquired">
          {t('booklet.overall.acquired', { acquired: data.acquired, total: data.item_count })}
        </Text>
        <Group gap="xs" mt="sm" role="group" aria-label={t('booklet.overall.legend')}>
          {LEVELS.map((level) => (
            <LevelBadge key={level} level={level} label={label(level)} size="sm" />
          ))}
        </Group>
      </SectionCard>

      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="lg">
        {data.competencies.map((competency) => (
          <CompetencyCard
            key={competency.code}
            competency={competency}
            label={label}
            editable={editable}
            onHistory={(item) => setDialog({ kind: 'history', item })}
            onEvaluate={evaluate}
          />
        ))}
      </SimpleGrid>

      <Assessments data={data} names={names} />

      <AppModal
        opened={dialog?.kind === 'evaluate'}
        onClose={close}
        title={office ? t('booklet.evaluate.titleOffice') : t('booklet.evaluate.titleInstructor')}
      >
        {dialog?.kind === 'evaluate' && (
          <EvaluationForm studentId={studentId} booklet={data} office={office} initialItem={dialog.itemCode} onDone={close} />
        )}
      </AppModal>
      <AppModal opened={dialog?.kind === 'assess'} onClose={close} title={t('booklet.assessments.formTitle')}>
        {dialog?.kind === 'assess' && (
          <AssessmentForm studentId={studentId} office={office} trainingMode={trainingMode} referentInstructorId={referentInstructorId} onDone={close} />
        )}
      </AppModal>
      <AppModal
        opened={dialog?.kind === 'history'}
        onClose={close}
        title={dialog?.kind === 'history' ? t('booklet.history.title', { code: dialog.item.code }) : ''}
      >
        {dialog?.kind === 'history' && <History item={dialog.item} label={label} names={names} />}
      </AppModal>
    </Stack>
  );
}

function CompetencyCard({
  competency,
  label,
  editable,
  onHistory,
  onEvaluate,
}: {
  competency: BookletCompetency;
  label: (level: Level) => string;
  editable: boolean;
  onHistory: (item: BookletItem) => void;
  onEvaluate: (code: string) => void;
}) {
  const { t } = useTranslation();
  const headingId = useId();
  const { code } = competency;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={headingId} data-testid={`competency-${code}`}>
      <Title order={3} size="h4" id={headingId} mb="xs">
        {code} · {competency.title}
      </Title>
      <ProgressBar value={competency.progress} label={t('booklet.competency.progressLabel', { code })} />
      <Text size="sm" mt={4} mb="sm">
        {t('booklet.competency.acquired', { acquired: competency.acquired, total: competency.items.length })}
      </Text>
      <Stack component="ul" gap={0} m={0} p={0} style={{ listStyle: 'none' }} aria-label={t('booklet.competency.items', { code })}>
        {competency.items.map((item) => (
          <Group
            component="li"
            key={item.code}
            justify="space-between"
            align="center"
            gap="xs"
            py={8}
            wrap="wrap"
            style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}
            data-testid={`booklet-item-${item.code}`}
            data-level={item.level}
          >
            <Text size="sm" style={{ flex: '1 1 14rem', minWidth: 0 }}>
              <Text span fw={700} mr={6}>
                {item.code}
              </Text>
              {item.title}
            </Text>
            <Group gap="xs" wrap="wrap" justify="flex-end">
              <LevelBadge level={item.level} label={label(item.level)} />
              <Text size="xs" c="dimmed" data-testid="item-date" style={{ minWidth: '5.5em' }}>
                {item.evaluated_at ? t('booklet.item.evaluatedOn', { date: formatCalendarDate(item.evaluated_at) }) : t('booklet.item.neverEvaluated')}
              </Text>
              {/* A fixed slot, so that the levels and dates line up whether an item has a history or not. */}
              <Box miw="6.5rem">
                {item.history.length > 0 && (
                  <Button variant="subtle" size="compact-sm" aria-label={t('booklet.item.historyLabel', { code: item.code })} onClick={() => onHistory(item)}>
                    {t('booklet.item.history')}
                  </Button>
                )}
              </Box>
              {editable && (
                <Button variant="subtle" size="compact-sm" aria-label={t('booklet.item.evaluateLabel', { code: item.code })} onClick={() => onEvaluate(item.code)}>
                  {t('booklet.item.evaluate')}
                </Button>
              )}
            </Group>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

function History({ item, label, names }: { item: BookletItem; label: (level: Level) => string; names: ReadonlyMap<string, string> }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <Text size="sm">
        <Text span fw={700} mr={6}>
          {item.code}
        </Text>
        {item.title}
      </Text>
      {item.history.length === 0 ? (
        <Text c="dimmed">{t('booklet.history.empty')}</Text>
      ) : (
        <Stack component="ol" gap="xs" m={0} p={0} style={{ listStyle: 'none' }} data-testid="item-history">
          {item.history.map((evaluation) => {
            const who = evaluation.instructor_id ? names.get(evaluation.instructor_id) : undefined;
            const how =
              evaluation.source === 'transfer_in'
                ? t('booklet.history.transferIn')
                : evaluation.lesson_id
                  ? t('booklet.history.inLesson')
                  : t('booklet.history.outsideLesson');
            return (
              <Card component="li" key={evaluation.id} withBorder padding="sm">
                <Group gap="xs" wrap="wrap">
                  <Text size="sm" fw={600}>
                    {formatCalendarDate(evaluation.evaluated_on)}
                  </Text>
                  <LevelBadge level={evaluation.level} label={label(evaluation.level)} size="sm" />
                  <Text size="sm" c="dimmed">
                    {how}
                    {who ? ` · ${t('booklet.history.by', { name: who })}` : ''}
                  </Text>
                </Group>
                {evaluation.comment && (
                  <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
                    {evaluation.comment}
                  </Text>
                )}
              </Card>
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}

function Assessments({ data, names }: { data: Booklet; names: ReadonlyMap<string, string> }) {
  const { t } = useTranslation();
  const kindLabel = (kind: string) => (kind === 'affi' ? t('booklet.assessments.kinds.affi') : t('booklet.assessments.kinds.bilan'));
  return (
    <SectionCard title={t('booklet.assessments.title')} data-testid="booklet-assessments">
      {data.assessments.length === 0 ? (
        <Text c="dimmed">{t('booklet.assessments.empty')}</Text>
      ) : (
        <ScrollTable label={t('booklet.assessments.title')} minWidth={520}>
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('booklet.assessments.columns.date')}</Table.Th>
                <Table.Th scope="col">{t('booklet.assessments.columns.kind')}</Table.Th>
                <Table.Th scope="col">{t('booklet.assessments.columns.instructor')}</Table.Th>
                <Table.Th scope="col">{t('booklet.assessments.columns.result')}</Table.Th>
                <Table.Th scope="col">{t('booklet.assessments.columns.comment')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.assessments.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatCalendarDate(a.date)}</Table.Td>
                  <Table.Td>{kindLabel(a.kind)}</Table.Td>
                  <Table.Td>{(a.instructor_id && names.get(a.instructor_id)) || t('common.none')}</Table.Td>
                  <Table.Td>{a.result ?? t('common.none')}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{a.comment ?? t('common.none')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </SectionCard>
  );
}
