import { useId } from 'react';
import { Button, Group, NumberInput, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useCurrentSession } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { formatEuros } from '../../lib/money.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { useRefreshStudentBilling, type Invoice } from './api.ts';

interface ScheduleValues {
  instalments: number | string;
  first_due_on: string;
}

const MAX_INSTALMENTS = 12;

/** "Échéancier": what remains due on an invoice, split into monthly instalments (replacing the plan before). */
export function ScheduleForm({ invoice, onDone }: { invoice: Invoice; onDone: () => void }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const currentId = useId();
  const refresh = useRefreshStudentBilling(invoice.student_id);
  const form = useForm<ScheduleValues>({
    mode: 'controlled',
    initialValues: { instalments: Math.max(invoice.instalments.length, 3), first_due_on: todayIn(zone) },
    validate: {
      instalments: (value) => {
        const n = Number(value);
        return Number.isInteger(n) && n >= 1 && n <= MAX_INSTALMENTS ? null : t('billing.schedule.countInvalid', { max: MAX_INSTALMENTS });
      },
    },
  });
  const save = useApiForm(form, {
    mutationFn: (body: { instalments: number; first_due_on?: string }) =>
      unwrap(api.POST('/api/v1/invoices/{id}/schedule', { params: { path: { id: invoice.id } }, body })),
    onSuccess: () => {
      refresh();
      notifySuccess(t('billing.schedule.saved'));
      onDone();
    },
  });
  const toBody = (values: ScheduleValues) => ({
    instalments: Number(values.instalments),
    ...(values.first_due_on ? { first_due_on: values.first_due_on } : {}),
  });

  return (
    <form onSubmit={save.onSubmit(toBody)} noValidate>
      <Stack gap="md">
        <Text size="sm">{t('billing.schedule.intro', { due: formatEuros(invoice.due_cents) })}</Text>
        <FormError error={save.failure} />
        {invoice.instalments.length > 0 && (
          <div>
            <Text fw={600} size="sm" id={currentId}>
              {t('billing.schedule.current')}
            </Text>
            <Table aria-labelledby={currentId} verticalSpacing={4} data-testid="instalments">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('billing.schedule.dueOn')}</Table.Th>
                  <Table.Th scope="col" style={{ textAlign: 'right' }}>
                    {t('billing.schedule.amount')}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invoice.instalments.map((instalment) => (
                  <Table.Tr key={instalment.position}>
                    <Table.Td>{formatCalendarDate(instalment.due_on)}</Table.Td>
                    <Table.Td style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>{formatEuros(instalment.amount_cents)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <NumberInput
            label={t('billing.schedule.count')}
            required
            min={1}
            max={MAX_INSTALMENTS}
            allowDecimal={false}
            allowNegative={false}
            {...form.getInputProps('instalments')}
          />
          <TextInput type="date" label={t('billing.schedule.firstDueOn')} {...form.getInputProps('first_due_on')} />
        </SimpleGrid>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('billing.schedule.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
