import { useState } from 'react';
import { Button, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { notifySuccess } from '../../lib/notify.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { downloadPayroll } from './api.ts';
import { isMonth, previousMonth } from './period.ts';

/** "Paie du mois" (ADMIN): the month's teaching time per instructor, as CSV for the payroll (last month by default). */
export function PayrollCard() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [month, setMonth] = useState(() => previousMonth(todayIn(zone)));
  const [invalid, setInvalid] = useState(false);
  const download = useMutation({
    mutationFn: downloadPayroll,
    onSuccess: (name) => notifySuccess(t('analytics.export.done', { name })),
  });
  const submit = (event: { preventDefault: () => void }) => {
    event.preventDefault();
    const value = month.trim();
    if (!isMonth(value)) {
      setInvalid(true);
      return;
    }
    download.mutate(value);
  };
  return (
    <SectionCard title={t('analytics.payroll.title')} hint={t('analytics.payroll.hint')} data-testid="payroll">
      <form onSubmit={submit} noValidate>
        <Stack align="flex-start" gap="sm">
          {/* A month picker where the browser has one; elsewhere a text field, hence the format in the help. */}
          <TextInput
            type="month"
            label={t('analytics.payroll.month')}
            description={t('analytics.payroll.monthHelp')}
            value={month}
            onChange={(event) => {
              setMonth(event.currentTarget.value);
              setInvalid(false);
            }}
            error={invalid ? t('analytics.payroll.invalidMonth') : undefined}
            w={220}
          />
          <Button type="submit" loading={download.isPending}>
            {t('analytics.payroll.download')}
          </Button>
        </Stack>
        <FormError error={download.error} />
      </form>
    </SectionCard>
  );
}
