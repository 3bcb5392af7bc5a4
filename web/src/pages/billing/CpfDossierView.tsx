import { Alert, Badge, Group, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatCalendarDate } from '../../lib/format.ts';
import { formatEuros } from '../../lib/money.ts';
import { CPF_STEPS, type CpfDossier, type CpfStatus } from './cpf.ts';

/**
 * A CPF dossier as read: its steps on EDOF (the current one marked in words, not by colour alone), since when, the
 * amounts; for the office also whether it is stuck in its status and what deserves attention (the 2026 rule).
 */
export function CpfDossierView({ dossier, office }: { dossier: CpfDossier; office: boolean }) {
  const { t } = useTranslation();
  const status = t(`billing.cpf.statuses.${dossier.status}`);
  return (
    <Stack gap="sm">
      <CpfSteps status={dossier.status} />
      <Text size="sm" data-testid="cpf-status">
        <Text span fw={600}>
          {status}
        </Text>{' '}
        {t('billing.cpf.since', { date: formatCalendarDate(dossier.status_since) })}
      </Text>
      {office && typeof dossier.stuck_days === 'number' && (
        <Alert color="orange" data-testid="cpf-stuck">
          {t('billing.cpf.stuck', { count: dossier.stuck_days })}
        </Alert>
      )}
      {office &&
        dossier.warnings.map((warning) => (
          <Alert key={warning.code} color="orange" data-testid="cpf-warning" data-code={warning.code}>
            {warning.message}
          </Alert>
        ))}
      <dl style={{ display: 'grid', gridTemplateColumns: 'minmax(8rem, max-content) 1fr', columnGap: 12, rowGap: 4, margin: 0 }}>
        <Entry label={t('billing.cpf.number')} value={dossier.edof_number} />
        <Entry label={t('billing.cpf.amount')} value={formatEuros(dossier.amount_cents)} />
        <Entry label={t('billing.cpf.coFinancing')} value={formatEuros(dossier.co_financing_cents)} />
        <Entry label={t('billing.cpf.jobSeeker')} value={dossier.job_seeker ? t('billing.cpf.yes') : t('billing.cpf.no')} />
        {office && dossier.note && <Entry label={t('billing.cpf.note')} value={dossier.note} />}
      </dl>
    </Stack>
  );
}

function Entry({ label, value }: { label: string; value: string }) {
  return (
    <>
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" size="sm" m={0} style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
        {value}
      </Text>
    </>
  );
}

/** The steps of a dossier on EDOF, as a list: passed (✓), current, to come; a cancelled dossier says so alone. */
export function CpfSteps({ status }: { status: CpfStatus }) {
  const { t } = useTranslation();
  if (status === 'cancelled') {
    return (
      <Badge color="red" variant="light" size="lg" tt="none" style={{ alignSelf: 'flex-start' }}>
        {t('billing.cpf.statuses.cancelled')}
      </Badge>
    );
  }
  const current = CPF_STEPS.indexOf(status);
  return (
    <Group component="ol" gap={6} wrap="wrap" aria-label={t('billing.cpf.steps')} m={0} p={0} style={{ listStyle: 'none' }} data-testid="cpf-steps">
      {CPF_STEPS.map((step, index) => {
        const state = index < current ? 'done' : index === current ? 'current' : 'next';
        return (
          <li key={step} aria-current={state === 'current' ? 'step' : undefined} data-state={state}>
            <Badge
              tt="none"
              size="lg"
              variant={state === 'current' ? 'filled' : state === 'done' ? 'light' : 'outline'}
              color={state === 'current' ? 'blue' : state === 'done' ? 'green' : 'gray'}
              fw={state === 'current' ? 700 : 500}
              leftSection={state === 'done' ? <span aria-hidden>✓</span> : undefined}
            >
              {t(`billing.cpf.statuses.${step}`)}
              <VisuallyHidden>
                {' '}
                ({state === 'done' ? t('billing.cpf.stepDone') : state === 'current' ? t('billing.cpf.stepCurrent') : t('billing.cpf.stepNext')})
              </VisuallyHidden>
            </Badge>
          </li>
        );
      })}
    </Group>
  );
}
