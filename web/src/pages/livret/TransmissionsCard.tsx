import { useId } from 'react';
import { Alert, Anchor, Badge, Button, Chip, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { LIVRET_KEY } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable, type Column } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { formatDateTime, formatShortDate } from '../../lib/format.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { useConnectors } from '../connectors/api.ts';
import {
  STATUSES,
  STATUS_COLOR,
  TRANSMISSIONS_LIMIT,
  isKind,
  isStatus,
  retryTransmission,
  useTransmissions,
  type LivretStatus,
  type LivretTransmission,
} from './api.ts';

/** `?statut=refusees` shows one status only (French words in the address, like the other pages' filters). */
const STATUS_PARAM = 'statut';
const STATUS_SLUG: Record<LivretStatus, string> = {
  pending: 'en-attente',
  sent: 'envoyees',
  accepted: 'acceptees',
  rejected: 'refusees',
  retrying: 'nouvel-essai',
};
const ALL = 'all';

function statusOfSlug(slug: string | null): LivretStatus | null {
  return STATUSES.find((s) => STATUS_SLUG[s] === slug) ?? null;
}

/**
 * "Transmissions au livret" (office): the lessons sent (or to send) to the students' digital livret, newest first, with
 * their status and, for a rejected one, what to fix; "Renvoyer" sends a rejected one again once the file is fixed.
 */
export function TransmissionsCard() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const status = statusOfSlug(params.get(STATUS_PARAM));
  const transmissions = useTransmissions(status);
  const counts = transmissions.data?.counts;
  const total = counts ? STATUSES.reduce((sum, s) => sum + counts[s], 0) : undefined;
  const filterId = useId();
  const count = (n: number | undefined) => (n === undefined ? '…' : String(n));

  const choose = (value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (isStatus(value)) next.set(STATUS_PARAM, STATUS_SLUG[value]);
        else next.delete(STATUS_PARAM);
        return next;
      },
      { replace: true },
    );

  return (
    <SectionCard title={t('livret.transmissions.title')} hint={t('livret.transmissions.hint')} data-testid="livret-transmissions">
      <Stack gap="md">
        <RdvPermisNote />
        <Stack gap={6} role="radiogroup" aria-labelledby={filterId}>
          <Text id={filterId} size="sm" fw={500}>
            {t('livret.transmissions.filter')}
          </Text>
          <Chip.Group multiple={false} value={status ?? ALL} onChange={choose}>
            <Group gap="xs" data-testid="livret-filters">
              <Chip value={ALL} type="radio" variant="outline">
                {t('livret.transmissions.all', { n: count(total) })}
              </Chip>
              {STATUSES.map((s) => (
                <Chip key={s} value={s} type="radio" variant="outline" color={STATUS_COLOR[s]} data-status={s}>
                  {t('livret.transmissions.statusCount', { label: t(`livret.transmissions.filters.${s}`), n: count(counts?.[s]) })}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        </Stack>
        <QueryView query={transmissions} empty={status === null ? t('livret.transmissions.empty') : t('livret.transmissions.emptyFiltered')}>
          {(data) => (
            <>
              <TransmissionTable items={data.items} busy={transmissions.isFetching} />
              {data.items.length >= TRANSMISSIONS_LIMIT && (
                <Text size="sm" c="dimmed" mt="xs">
                  {t('livret.transmissions.limit')}
                </Text>
              )}
            </>
          )}
        </QueryView>
      </Stack>
    </SectionCard>
  );
}

/** Without RdvPermis authorised, nothing leaves: the transmissions stay pending. */
function RdvPermisNote() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const connectors = useConnectors();
  if (!connectors.data) return null;
  const rdvpermis = connectors.data.items.find((c) => c.name === 'rdvpermis');
  if (rdvpermis?.authorized === true) return null;
  return (
    <Alert color="orange" data-testid="livret-no-rdvpermis">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{t('livret.transmissions.noRdvPermis')}</Text>
        {/* The connectors' page is the admin's. */}
        {session.role === 'ADMIN' && (
          <Anchor component={Link} to="/connecteurs" size="sm">
            {t('livret.transmissions.openConnectors')}
          </Anchor>
        )}
      </Stack>
    </Alert>
  );
}

function TransmissionTable({ items, busy }: { items: readonly LivretTransmission[]; busy: boolean }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: retryTransmission,
    onSuccess: (answer) => {
      notifySuccess(t('livret.transmissions.retried', { name: answer.student_name }));
      void queryClient.invalidateQueries({ queryKey: LIVRET_KEY });
    },
    onError: (error) => notifyError(error, t),
  });
  const retrying = (row: LivretTransmission) => retry.isPending && retry.variables.lesson_id === row.lesson_id && retry.variables.student_id === row.student_id;

  const columns: Column<LivretTransmission>[] = [
    {
      key: 'student',
      header: t('livret.transmissions.columns.student'),
      primary: true,
      nowrap: true,
      cell: (row) => (
        <Anchor component={Link} to={`/eleves/${row.student_id}`}>
          {row.student_name}
        </Anchor>
      ),
    },
    { key: 'date', header: t('livret.transmissions.columns.date'), nowrap: true, cell: (row) => formatDateTime(row.starts_at, zone) },
    { key: 'kind', header: t('livret.transmissions.columns.kind'), cell: (row) => (isKind(row.kind) ? t(`livret.kinds.${row.kind}`) : row.kind) },
    { key: 'duration', header: t('livret.transmissions.columns.duration'), nowrap: true, cell: (row) => formatMinutes(row.minutes) },
    {
      key: 'status',
      header: t('livret.transmissions.columns.status'),
      cell: (row) => (
        <Stack gap={2} align="flex-start">
          <Badge color={isStatus(row.status) ? STATUS_COLOR[row.status] : 'gray'} variant="light" style={{ minWidth: 'max-content' }} data-testid="livret-status">
            {isStatus(row.status) ? t(`livret.transmissions.statuses.${row.status}`) : row.status}
          </Badge>
          {row.attempts > 1 && (
            <Text size="xs" c="dimmed">
              {t('livret.transmissions.attempts', { count: row.attempts })}
            </Text>
          )}
        </Stack>
      ),
    },
    { key: 'reason', header: t('livret.transmissions.columns.reason'), cell: (row) => row.reason ?? '—' },
    {
      key: 'actions',
      header: t('livret.transmissions.columns.actions'),
      action: true,
      cell: (row) =>
        row.status === 'rejected' ? (
          <Button
            size="compact-sm"
            variant="light"
            loading={retrying(row)}
            disabled={retry.isPending && !retrying(row)}
            aria-label={t('livret.transmissions.retryOf', { name: row.student_name, date: formatShortDate(row.starts_at, zone) })}
            onClick={() => retry.mutate(row)}
          >
            {t('livret.transmissions.retry')}
          </Button>
        ) : null,
    },
  ];

  return (
    <ResponsiveTable
      rows={items}
      columns={columns}
      rowKey={(row) => `${row.lesson_id}/${row.student_id}`}
      rowProps={(row) => ({ 'data-testid': 'livret-transmission', 'data-status': row.status })}
      label={t('livret.transmissions.list')}
      minWidth={820}
      busy={busy}
      data-testid="livret-table"
    />
  );
}
