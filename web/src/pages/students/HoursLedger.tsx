import { useState } from 'react';
import { Badge, Button, Group, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { DISPUTES_KEY } from '../../api/keys.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { ResponsiveTable, type Column } from '../../components/ResponsiveTable.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { formatDateTime, formatShortDate } from '../../lib/format.ts';
import { timeOf } from '../planning/time.ts';
import type { HoursEntry } from './api.ts';
import { ConfirmForm, DisputeForm, ResolveForm } from './ConfirmationForms.tsx';
import { CONFIRMATION_COLOUR, confirmationBadge, readConfirmLink } from './confirmations.ts';

/** Who reads the ledger: the student confirms or disputes, the office settles disputes, others only read. */
export type Viewer = 'student' | 'office' | 'other';

type Dialog = { kind: 'confirm'; lessonId: string; code: string } | { kind: 'dispute' | 'settle'; lessonId: string };

interface Dispute {
  starts_at: string;
  reason: string;
  resolution?: string | null;
  resolved_at?: string | null;
}

/** The office's view of a student's disputes (open, and settled lately), by lesson. */
function useDisputes(studentId: string, enabled: boolean): Map<string, Dispute> {
  const disputes = useQuery({
    queryKey: [...DISPUTES_KEY, studentId],
    queryFn: () => unwrap(api.GET('/api/v1/lesson-disputes', { params: { query: { student_id: studentId } } })),
    enabled,
  });
  return new Map((disputes.data?.items ?? []).map((d) => [d.lesson_id, d]));
}

/** The ledger of the hours, with the student's word on each lesson done (and what they and the office may do). */
export function Ledger({ studentId, entries, zone, viewer }: { studentId: string; entries: readonly HoursEntry[]; zone: string; viewer: Viewer }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  // The instructor's QR code opens "Mes heures" at the lesson, with its code filled in.
  const [dialog, setDialog] = useState<Dialog | null>(() => {
    const link = viewer === 'student' ? readConfirmLink(params) : null;
    return link ? { kind: 'confirm', lessonId: link.lessonId, code: link.code } : null;
  });
  const disputes = useDisputes(studentId, viewer === 'office');
  const close = () => {
    setDialog(null);
    if (params.has('seance') || params.has('code')) {
      setParams(
        (p) => {
          p.delete('seance');
          p.delete('code');
          return p;
        },
        { replace: true },
      );
    }
  };
  /** The lesson's own start (the entry's date is when it was marked done). */
  const lessonStart = (e: HoursEntry): string | undefined => e.lesson_starts_at ?? undefined;
  const date = (e: HoursEntry) => {
    const start = lessonStart(e);
    return start
      ? t('students.confirmations.lessonAt', { date: formatShortDate(start, zone), time: timeOf(start, zone) })
      : formatShortDate(e.created_at, zone);
  };

  const columns: Column<HoursEntry>[] = [
    { key: 'date', header: t('students.hours.date'), cell: (e) => formatDateTime(e.created_at, zone), primary: true, nowrap: true },
    { key: 'kind', header: t('students.hours.kind'), cell: (e) => t(`students.hours.kinds.${e.kind}`) },
    {
      key: 'amount',
      header: t('students.hours.amount'),
      align: 'right',
      nowrap: true,
      cell: (e) => (
        <Text span inherit c={e.minutes < 0 ? 'red.8' : undefined}>
          {formatMinutes(e.minutes, { signed: true })}
        </Text>
      ),
    },
    { key: 'reason', header: t('students.hours.reason'), cell: (e) => {
        const start = lessonStart(e);
        const text = e.reason ?? (e.lesson_id ? t('students.hours.fromLesson') : t('common.none'));
        if (!start) return text;
        // The ledger's date is the day the lesson was marked done: the lesson's own day and time tell the lines apart.
        return (
          <>
            {text}
            <Text span display="block" size="sm" c="dimmed">
              {t('students.hours.fromLessonAt', { when: date(e) })}
            </Text>
          </>
        );
      },
    },
    {
      key: 'confirmation',
      header: t('students.hours.confirmation'),
      cell: (e) => <ConfirmationCell entry={e} dispute={e.lesson_id ? disputes.get(e.lesson_id) : undefined} />,
    },
  ];
  if (viewer !== 'other') {
    columns.push({
      key: 'actions',
      header: <VisuallyHidden>{t('students.hours.actions')}</VisuallyHidden>,
      action: true,
      cell: (e) => {
        const lessonId = e.lesson_id;
        if (!lessonId) return null;
        if (viewer === 'student' && e.confirmation === 'pending') {
          return (
            <Group gap="xs" wrap="nowrap">
              <Button size="md" mih={44} aria-label={t('students.confirmations.confirmLabel', { date: date(e) })} onClick={() => setDialog({ kind: 'confirm', lessonId, code: '' })}>
                {t('students.confirmations.confirm')}
              </Button>
              <Button
                size="md"
                mih={44}
                variant="outline"
                color="red"
                aria-label={t('students.confirmations.disputeLabel', { date: date(e) })}
                onClick={() => setDialog({ kind: 'dispute', lessonId })}
              >
                {t('students.confirmations.dispute')}
              </Button>
            </Group>
          );
        }
        const dispute = disputes.get(lessonId);
        if (viewer === 'office' && e.confirmation === 'disputed' && dispute && !dispute.resolved_at) {
          return (
            <Button variant="light" mih={44} aria-label={t('students.confirmations.settleLabel', { date: date(e) })} onClick={() => setDialog({ kind: 'settle', lessonId })}>
              {t('students.confirmations.settle')}
            </Button>
          );
        }
        return null;
      },
    });
  }

  const title =
    dialog?.kind === 'confirm'
      ? t('students.confirmations.confirmTitle')
      : dialog?.kind === 'dispute'
        ? t('students.confirmations.disputeTitle')
        : t('students.confirmations.settleTitle');
  return (
    <>
      <ResponsiveTable rows={entries} columns={columns} rowKey={(e) => e.id} label={t('students.hours.ledger')} minWidth={640} highlightOnHover={false} data-testid="hours-ledger" />
      <AppModal opened={dialog !== null} onClose={close} title={title}>
        {dialog?.kind === 'confirm' && <ConfirmForm studentId={studentId} lessonId={dialog.lessonId} initialCode={dialog.code} onDone={close} />}
        {dialog?.kind === 'dispute' && <DisputeForm studentId={studentId} lessonId={dialog.lessonId} onDone={close} />}
        {dialog?.kind === 'settle' && <ResolveForm studentId={studentId} lessonId={dialog.lessonId} onDone={close} />}
      </AppModal>
    </>
  );
}

function ConfirmationCell({ entry, dispute }: { entry: HoursEntry; dispute: Dispute | undefined }) {
  const { t } = useTranslation();
  const badge = confirmationBadge(entry.confirmation, Boolean(dispute?.resolved_at));
  if (!badge) return null;
  return (
    <Stack gap={4} align="flex-start">
      <Badge variant="light" color={CONFIRMATION_COLOUR[badge]} style={{ minWidth: 'max-content' }}>
        {t(`students.confirmations.badges.${badge}`)}
      </Badge>
      {dispute && (
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          {t('students.confirmations.disputeReason', { reason: dispute.reason })}
        </Text>
      )}
      {dispute?.resolution && (
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {t('students.confirmations.resolution', { resolution: dispute.resolution })}
        </Text>
      )}
    </Stack>
  );
}
