import { useState } from 'react';
import { Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client.ts';
import { ALERTS_KEY } from '../api/keys.ts';
import { useCurrentSession } from '../api/session.ts';
import { SEVERITY_COLOR, alertTargets, groupAlerts, type Alert, type AlertTarget, type Severity } from '../lib/alerts.ts';
import { formatCalendarDate } from '../lib/format.ts';
import { QueryView } from './QueryView.tsx';
import { SectionCard } from './SectionCard.tsx';

/** Alerts shown per group before "Afficher les N autres". */
const FIRST = 5;

const TARGET_LABEL: Record<AlertTarget['kind'], 'openStudent' | 'openInstructor' | 'openVehicles' | 'openPlaces' | 'openConnectors' | 'openLivret'> = {
  student: 'openStudent',
  instructor: 'openInstructor',
  vehicles: 'openVehicles',
  places: 'openPlaces',
  connectors: 'openConnectors',
  livret: 'openLivret',
};

/**
 * The office's alerts on the home page (GET /alerts): by severity, each with its message and a link to the student,
 * the instructor, the vehicles, the exam places or (an ADMIN) the connectors.
 */
export function AlertsPanel() {
  const { t } = useTranslation();
  const alerts = useQuery({
    queryKey: ALERTS_KEY,
    queryFn: async () => (await unwrap(api.GET('/api/v1/alerts'))).items,
    staleTime: 60_000,
  });
  return (
    <SectionCard title={t('alerts.title')} hint={t('alerts.intro')} data-testid="alerts">
      <QueryView query={alerts} empty={t('alerts.empty')}>
        {(list) => (
          <Stack gap="lg">
            {groupAlerts(list).map((group) => (
              <AlertGroup key={group.severity} severity={group.severity} items={group.items} />
            ))}
          </Stack>
        )}
      </QueryView>
    </SectionCard>
  );
}

function AlertGroup({ severity, items }: { severity: Severity; items: Alert[] }) {
  const { t } = useTranslation();
  const admin = useCurrentSession().role === 'ADMIN';
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
              {alertTargets(alert, { admin }).map((target) => (
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
