import { useState } from 'react';
import { Badge, Code, SegmentedControl, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { closuresKey } from '../../api/keys.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { formatEuros } from '../../lib/money.ts';

type Closure = ResponseBody<'/api/v1/closures', 'get', 200>[number];
type Period = Closure['period'];
const PERIODS: readonly Period[] = ['day', 'month', 'year'];

/**
 * The fiscal closures (ADMIN): made after each day, month and year, never edited, each chained to the previous one.
 * Per period: what was invoiced and collected, the perpetual grand total, whether the fiscal chain was intact when it
 * was made, and the closure's fingerprint.
 */
export function ClosuresCard() {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<Period>('day');
  const closures = useQuery({
    queryKey: closuresKey(period),
    queryFn: () => unwrap(api.GET('/api/v1/closures', { params: { query: { period, limit: 60 } } })),
  });
  return (
    <SectionCard title={t('billing.closures.title')} hint={t('billing.closures.hint')}>
      <Stack gap="sm">
        <SegmentedControl
          aria-label={t('billing.closures.period')}
          value={period}
          onChange={(value) => setPeriod(PERIODS.find((p) => p === value) ?? 'day')}
          data={PERIODS.map((value) => ({ value, label: t(`billing.closures.periods.${value}`) }))}
          style={{ alignSelf: 'flex-start' }}
        />
        <QueryView query={closures} empty={t('billing.closures.empty')}>
          {(list) => (
            <ResponsiveTable
              rows={list}
              rowKey={(c) => String(c.seq)}
              rowProps={() => ({ 'data-testid': 'closure' })}
              minWidth={860}
              label={t('billing.closures.title')}
              columns={[
                {
                  key: 'period',
                  header: t('billing.closures.columns.period'),
                  primary: true,
                  nowrap: true,
                  cell: (c) => (c.starts_on === c.ends_on ? formatCalendarDate(c.starts_on) : `${formatCalendarDate(c.starts_on)} – ${formatCalendarDate(c.ends_on)}`),
                },
                { key: 'invoiced', header: t('billing.closures.columns.invoiced'), align: 'right', nowrap: true, cell: (c) => formatEuros(c.invoiced_cents) },
                { key: 'collected', header: t('billing.closures.columns.collected'), align: 'right', nowrap: true, cell: (c) => formatEuros(c.collected_cents) },
                { key: 'grand', header: t('billing.closures.columns.grandTotal'), align: 'right', nowrap: true, cell: (c) => formatEuros(c.grand_total_cents) },
                { key: 'chain', header: t('billing.closures.columns.chain'), cell: (c) => <ChainBadge closure={c} /> },
                {
                  key: 'hash',
                  header: t('billing.closures.columns.hash'),
                  cell: (c) => (
                    <Text span size="xs">
                      <Code>{c.hash.slice(0, 16)}…</Code>
                    </Text>
                  ),
                },
              ]}
            />
          )}
        </QueryView>
      </Stack>
    </SectionCard>
  );
}

/** Whether the records were still those written when the closure was made: said in words, not by the colour alone. */
function ChainBadge({ closure }: { closure: Closure }) {
  const { t } = useTranslation();
  if (closure.chain_intact) {
    return (
      <Badge color="green" variant="light" style={{ minWidth: 'max-content' }}>
        {t('billing.closures.chainIntact')}
      </Badge>
    );
  }
  const seq = closure.chain_first_broken;
  return (
    <Badge color="red" variant="filled" title={t('billing.closures.chainBrokenHint')} data-testid="closure-chain-broken" style={{ minWidth: 'max-content' }}>
      {typeof seq === 'number' ? t('billing.closures.chainBrokenAt', { seq }) : t('billing.closures.chainBroken')}
    </Badge>
  );
}
