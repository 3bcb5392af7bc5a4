import { Button, Checkbox, Group, Select, SimpleGrid, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError.tsx';
import { notifyStale, notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { CPF_STATUSES, cpfBody, cpfValues, saveCpf, useCpfSaved, validateCpf, type CpfDossier, type CpfInput, type CpfValues } from './cpf.ts';

/**
 * Opens a CPF dossier (`dossier` null: number, amounts, job seeker, note, and the status EDOF shows) or edits its
 * fields (the status moves with the panel's buttons). A change made meanwhile by someone else reloads the dossier.
 */
export function CpfForm({ studentId, dossier, onDone }: { studentId: string; dossier: CpfDossier | null; onDone: () => void }) {
  const { t } = useTranslation();
  const after = useCpfSaved(studentId);
  const form = useForm<CpfValues>({ mode: 'controlled', initialValues: cpfValues(dossier), validate: (values) => validateCpf(values, t) });
  const save = useApiForm(form, {
    mutationFn: (body: CpfInput) => saveCpf(studentId, body, dossier ? dossier.version : null),
    onSuccess: (saved) => {
      after.saved(saved);
      notifySuccess(t(dossier ? 'billing.cpf.saved' : 'billing.cpf.opened'));
      onDone();
    },
    onStale: () => {
      notifyStale(t('billing.cpf.stale'));
      after.reload();
      onDone();
    },
    rename: { amount_cents: 'amount', co_financing_cents: 'co_financing' },
  });
  return (
    <form onSubmit={save.onSubmit((values) => cpfBody(values, dossier === null))} noValidate>
      <Stack gap="md">
        <FormError error={save.failure} />
        <TextInput
          label={t('billing.cpf.form.number')}
          description={t('billing.cpf.form.numberHint')}
          required
          maxLength={40}
          autoComplete="off"
          {...form.getInputProps('edof_number')}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('billing.cpf.form.amount')}
            description={t('billing.cpf.form.amountHint')}
            required
            inputMode="decimal"
            autoComplete="off"
            {...form.getInputProps('amount')}
          />
          <TextInput
            label={t('billing.cpf.form.coFinancing')}
            description={t('billing.cpf.form.coFinancingHint')}
            inputMode="decimal"
            autoComplete="off"
            {...form.getInputProps('co_financing')}
          />
        </SimpleGrid>
        <Checkbox label={t('billing.cpf.form.jobSeeker')} {...form.getInputProps('job_seeker', { type: 'checkbox' })} />
        {dossier === null && (
          <Select
            label={t('billing.cpf.form.status')}
            description={t('billing.cpf.form.statusHint')}
            data={CPF_STATUSES.filter((s) => s !== 'cancelled').map((value) => ({ value, label: t(`billing.cpf.statuses.${value}`) }))}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
            value={form.values.status}
            onChange={(value) => form.setFieldValue('status', CPF_STATUSES.find((s) => s === value) ?? 'submitted')}
          />
        )}
        <Textarea label={t('billing.cpf.form.note')} autosize minRows={2} maxLength={500} {...form.getInputProps('note')} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {dossier ? t('common.save') : t('billing.cpf.form.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
