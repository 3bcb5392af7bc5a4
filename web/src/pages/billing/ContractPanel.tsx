import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { formatDateTime, formatHour } from '../../lib/format.ts';
import { formatEuros } from '../../lib/money.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { useProducts, type Product } from './api.ts';
import { contractPdfUrl, useContracts, useRefreshContracts, type Channel, type Contract } from './contracts.ts';
import { ProductQuantities } from './ProductQuantities.tsx';
import { saleLines } from './sale.ts';

type Dialog = 'contract' | 'amendment' | null;

/**
 * The training contract and its amendments (the "Contrat" tab of the office, "Mon contrat" of the student): their state,
 * their PDF, and the signature by a one-time code sent to the signer (the student, or the guardian of a minor). The
 * office prepares the contract from the start evaluation and the products chosen, and amendments for more hours.
 */
export function ContractPanel({ studentId, hasEvaluation, canPrepare }: { studentId: string; hasEvaluation: boolean; canPrepare: boolean }) {
  const { t } = useTranslation();
  const contracts = useContracts(studentId);
  const [dialog, setDialog] = useState<Dialog>(null);
  const list = contracts.data ?? [];
  const signed = list.some((c) => c.kind === 'contract' && c.status === 'signed');
  const actions = canPrepare && (
    <Group gap="sm">
      {!signed && (
        <Button onClick={() => setDialog('contract')} disabled={!hasEvaluation}>
          {t('billing.contracts.prepare')}
        </Button>
      )}
      {signed && (
        <Button variant="light" onClick={() => setDialog('amendment')}>
          {t('billing.contracts.amend')}
        </Button>
      )}
    </Group>
  );
  return (
    <Stack gap="md" data-testid="contract-panel">
      {canPrepare && !hasEvaluation && !signed && <Alert color="yellow">{t('billing.contracts.needsEvaluation')}</Alert>}
      <SectionCard title={t('billing.contracts.title')} actions={actions || undefined}>
        <QueryView query={contracts} empty={t('billing.contracts.empty')}>
          {(items) => (
            <Stack gap="sm">
              {items.map((contract) => (
                <ContractCard key={contract.id} contract={contract} />
              ))}
            </Stack>
          )}
        </QueryView>
      </SectionCard>
      <AppModal
        opened={dialog !== null}
        onClose={() => setDialog(null)}
        title={dialog === 'amendment' ? t('billing.contracts.amendTitle') : t('billing.contracts.prepareTitle')}
        size="lg"
      >
        {dialog !== null && <PrepareForm studentId={studentId} kind={dialog} onDone={() => setDialog(null)} />}
      </AppModal>
    </Stack>
  );
}

function ContractCard({ contract }: { contract: Contract }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const title = contract.kind === 'contract' ? t('billing.contracts.contract') : t('billing.contracts.amendment', { rank: contract.rank });
  const volume = contract.kind === 'contract' ? 'billing.contracts.estimate' : 'billing.contracts.added';
  return (
    <Paper withBorder p="sm" radius="md" data-testid="contract" data-status={contract.status}>
      <Stack gap="xs">
        <Group justify="space-between" gap="sm">
          <Text fw={600}>{title}</Text>
          {contract.status === 'signed' && contract.signed_at ? (
            <Badge color="green" variant="light">
              {t('billing.contracts.signedOn', { when: formatDateTime(contract.signed_at, zone) })}
            </Badge>
          ) : (
            <Badge color="orange" variant="light">
              {t('billing.contracts.awaiting')}
            </Badge>
          )}
        </Group>
        <Text size="sm">
          {t(volume, { hours: formatMinutes(contract.minutes) })} · {t('billing.contracts.total', { total: formatEuros(contract.total_cents) })}
        </Text>
        <Text size="sm" c="dimmed">
          {t(`billing.contracts.signer.${contract.signer.role}`, { name: contract.signer.name })}
        </Text>
        {contract.reason && <Text size="sm">{t('billing.contracts.reason', { reason: contract.reason })}</Text>}
        <Anchor href={contractPdfUrl(contract.id)} target="_blank" rel="noopener" size="sm">
          {contract.status === 'signed' ? t('billing.contracts.signedPdf') : t('billing.contracts.pdf')}
        </Anchor>
        {contract.status === 'awaiting_signature' && <SignatureBox contract={contract} />}
      </Stack>
    </Paper>
  );
}

/** Sends the code to the signer, then signs with the 6 digits they received. */
function SignatureBox({ contract }: { contract: Contract }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const refresh = useRefreshContracts(contract.student_id);
  const send = useMutation({
    mutationFn: (channel: Channel) =>
      unwrap(api.POST('/api/v1/contracts/{id}/signature-code', { params: { path: { id: contract.id } }, body: { channel } })),
    onSuccess: (sent) => {
      notifySuccess(t('billing.contracts.codeSent', { to: sent.sent_to }));
      refresh();
    },
    onError: (error) => notifyError(error, t),
  });
  const form = useForm({ mode: 'controlled', initialValues: { code: '' } });
  const sign = useApiForm(form, {
    mutationFn: (code: string) => unwrap(api.POST('/api/v1/contracts/{id}/sign', { params: { path: { id: contract.id } }, body: { code } })),
    onSuccess: () => {
      notifySuccess(t('billing.contracts.signed'));
      refresh();
    },
  });
  const pending = contract.pending_code;
  return (
    <Stack gap="xs" data-testid="signature">
      <Group gap="sm">
        {contract.signer.email && (
          <Button size="xs" variant="light" loading={send.isPending && send.variables === 'email'} onClick={() => send.mutate('email')}>
            {t('billing.contracts.sendEmail')}
          </Button>
        )}
        {contract.signer.phone && (
          <Button size="xs" variant="light" loading={send.isPending && send.variables === 'sms'} onClick={() => send.mutate('sms')}>
            {t('billing.contracts.sendSms')}
          </Button>
        )}
      </Group>
      {pending && (
        <>
          <Text size="sm" role="status">
            {t(`billing.contracts.pending.${pending.channel}`, { to: pending.sent_to, until: formatHour(pending.expires_at, zone) })}
          </Text>
          <form
            onSubmit={sign.onSubmit((values) => {
              const code = values.code.replace(/\s/g, '');
              if (!/^\d{6}$/.test(code)) {
                form.setFieldError('code', t('billing.contracts.codeFormat'));
                return null;
              }
              return code;
            })}
            noValidate
          >
            <Stack gap="xs">
              <FormError error={sign.failure} />
              <Group gap="sm" align="flex-end">
                <TextInput
                  label={t('billing.contracts.code')}
                  description={t('billing.contracts.codeHint')}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={7}
                  w={220}
                  {...form.getInputProps('code')}
                />
                <Button type="submit" loading={sign.isPending}>
                  {t('billing.contracts.sign')}
                </Button>
              </Group>
            </Stack>
          </form>
        </>
      )}
    </Stack>
  );
}

interface PrepareValues {
  quantities: Record<string, number | string>;
  reason: string;
}

function PrepareForm({ studentId, kind, onDone }: { studentId: string; kind: 'contract' | 'amendment'; onDone: () => void }) {
  const { t } = useTranslation();
  const products = useProducts(true);
  return (
    <QueryView query={products} empty={t('billing.sale.noProduct')}>
      {(list) => <PrepareFields studentId={studentId} kind={kind} products={list} onDone={onDone} />}
    </QueryView>
  );
}

function PrepareFields({ studentId, kind, products, onDone }: { studentId: string; kind: 'contract' | 'amendment'; products: Product[]; onDone: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefreshContracts(studentId);
  // An amendment adds driving time: only the products that credit some.
  const offered = kind === 'amendment' ? products.filter((p) => (p.minutes ?? 0) > 0) : products;
  const form = useForm<PrepareValues>({
    mode: 'controlled',
    initialValues: { quantities: Object.fromEntries(offered.map((p) => [p.id, 0])), reason: '' },
    validate: (values) => (saleLines(values, offered).length === 0 ? { quantities: t('billing.sale.nothing') } : {}),
  });
  const prepare = useApiForm(form, {
    mutationFn: (values: PrepareValues) => {
      const lines = saleLines(values, offered);
      const path = { params: { path: { id: studentId } } };
      return kind === 'contract'
        ? unwrap(api.POST('/api/v1/students/{id}/contracts', { ...path, body: { lines } }))
        : unwrap(api.POST('/api/v1/students/{id}/amendments', { ...path, body: { lines, reason: values.reason.trim() || null } }));
    },
    onSuccess: () => {
      notifySuccess(t('billing.contracts.prepared'));
      refresh();
      onDone();
    },
  });
  return (
    <form onSubmit={prepare.onSubmit((values) => values)} noValidate>
      <Stack gap="md">
        <FormError error={prepare.failure} />
        <Text size="sm">{kind === 'contract' ? t('billing.contracts.prepareHint') : t('billing.contracts.amendHint')}</Text>
        <ProductQuantities form={form} products={offered} legend={t('billing.contracts.products')} />
        {kind === 'amendment' && <Textarea label={t('billing.contracts.reasonLabel')} autosize minRows={2} maxLength={300} {...form.getInputProps('reason')} />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={prepare.isPending}>
            {t('billing.contracts.generate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
