import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client.ts';
import { formatCalendarDate } from '../lib/format.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageLoader } from '../shell/PageLoader.tsx';
import { ALERTS_KEY, type Alert, type Severity } from '../pages/exams/api.ts';
import { SEVERITY_COLOR, alertTargets, groupAlerts, type AlertTarget } from '../pages/exams/requests.ts';

/** Alerts shown per group before "Afficher les N autres". */
const FIRST = 5;

const TARGET_LABEL: Record<AlertTarget['kind'], 'openStudent' | 'openInstructor' | 'openVehicles' | 'openPlaces'> = {
  student: 'openStudent',
  instructor: 'openInstructor',
  vehicles: 'openVehicles',
  places: 'openPlaces',
};

/**
 * The office's alerts on the home page (GET /alerts): by severity, each with its message and a link to the student,
 * the instructor, the vehicles or the exam places.
 */
export function AlertsPanel() {
  const { t } = useTranslation();
  const alerts = useQuery({
    queryKey: ALERTS_KEY,
    queryFn: async () => (await unwrap(api.GET('/api/v1/alerts'))).items,
    staleTime: 60_000,
  });
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="alerts-title" data-testid="alerts">
      <Title order={2} size="h3" id="alerts-title">
        {t('alerts.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t('alerts.intro')}
      </Text>
      {alerts.isPending ? (
        <PageLoader />
      ) : alerts.isError ? (
        <LoadError error={alerts.error} onRetry={() => void alerts.refetch()} />
      ) : alerts.data.length === 0 ? (
        <Text>{t('alerts.empty')}</Text>
      ) : (
        <Stack gap="lg">
          {groupAlerts(alerts.data).map((group) => (
            <AlertGroup key={group.severity} severity={group.severity} items={group.items} />
          ))}
        </Stack>
      )}
    </Card>
  );
}

function AlertGroup({ severity, items }: { severity: Severity; items: Alert[] }) {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  const shown = all ? items : items.slice(0, FIRST);
  const headingId = `alerts-${severity}`;
  const label = t(`alerts.severities.${severity}`);
  return (
    <section aria-labelledby={headingId} data-severity={severity}>
      <Group gap="xs" mb="xs">
        <Badge color={SEVERITY_COLOR[severity]} variant="filled" tt="none" size="lg" id={headingId} component="h3" m={0}>
          {t('alerts.groupLabel', { label, count: items.length })}
        </Badge>
      </Group>
      <Stack component="ul" gap={0} m={0} p={0} style={{ listStyle: 'none' }}>
        {shown.map((alert, index) => (
          <li
            key={`${alert.code}-${alert.student_id ?? alert.instructor_id ?? alert.vehicle_id ?? ''}-${String(index)}`}
            data-code={alert.code}
            style={{ borderTop: '1px solid var(--mantine-color-gray-3)', padding: '8px 0' }}
          >
            <Text size="sm">{alert.message}</Text>
            <Group gap="md" mt={2}>
              {alert.due_on && (
                <Text size="xs" c="dimmed">
                  {formatCalendarDate(alert.due_on)}
                </Text>
              )}
              {alertTargets(alert).map((target) => (
                <Anchor key={target.to} component={Link} to={target.to} size="sm">
                  {t(`alerts.${TARGET_LABEL[target.kind]}`)}
                </Anchor>
              ))}
            </Group>
          </li>
        ))}
      </Stack>
      {items.length > FIRST && (
        <Button variant="subtle" size="xs" mt="xs" onClick={() => setAll((v) => !v)} aria-expanded={all}>
          {all ? t('alerts.showLess') : t('alerts.showAll', { count: items.length - FIRST })}
        </Button>
      )}
    </section>
  );
}
