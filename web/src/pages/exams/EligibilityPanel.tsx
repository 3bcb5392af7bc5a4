import { useState } from 'react';
import { Badge, Group, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { todayIn } from '../../lib/zonedTime.ts';
import { useEligibility } from './api.ts';
import { RuleStatusBadge } from './ExamTable.tsx';
import { blockingRules, ruleLabel } from './logic.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whether a student may take the practical test on a date (today by default): the verdict, then the eleven rules,
 * each with its status written out and the server's French message.
 */
export function EligibilityPanel({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const today = todayIn(zone);
  const [date, setDate] = useState(today);
  const asked = DATE.test(date) ? date : today;
  const eligibility = useEligibility(studentId, asked);

  return (
    <SectionCard
      title={t('exams.eligibility.title')}
      data-testid="eligibility"
      actions={<TextInput type="date" label={t('exams.eligibility.date')} value={date} onChange={(e) => setDate(e.currentTarget.value)} w={200} />}
    >
      <QueryView query={eligibility}>
        {(data) => (
          <Stack gap="md" aria-busy={eligibility.isFetching}>
            <Group gap="sm" role="status" aria-live="polite">
              <Badge
                size="xl"
                variant="filled"
                tt="none"
                color={data.eligible ? 'green.9' : 'red.8'}
                data-testid="eligibility-verdict"
                data-eligible={data.eligible}
                style={{ minWidth: 'max-content' }}
              >
                {data.eligible ? t('exams.eligibility.eligible') : t('exams.eligibility.notEligible')}
              </Badge>
              <Text>
                {data.eligible
                  ? t('exams.eligibility.eligibleText')
                  : t('exams.eligibility.notEligibleText', { count: blockingRules(data.rules).length })}
              </Text>
            </Group>
            <Stack component="ul" gap={0} m={0} p={0} style={{ listStyle: 'none' }} aria-label={t('exams.eligibility.rulesLabel')}>
              {data.rules.map((rule) => (
                <li
                  key={rule.code}
                  data-rule={rule.code}
                  data-status={rule.status}
                  style={{ borderTop: '1px solid var(--mantine-color-gray-3)', padding: '10px 0' }}
                >
                  <Group gap="sm" wrap="nowrap" align="flex-start">
                    <RuleStatusBadge status={rule.status} />
                    <div style={{ minWidth: 0 }}>
                      <Text fw={600} size="sm">
                        {ruleLabel(rule.code, t)}
                      </Text>
                      <Text size="sm">{rule.message}</Text>
                    </div>
                  </Group>
                </li>
              ))}
            </Stack>
          </Stack>
        )}
      </QueryView>
    </SectionCard>
  );
}
