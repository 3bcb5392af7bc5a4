import { Alert, Button } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { FormError } from '../../components/FormError.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';

/**
 * "Vérifier les enregistrements comptables" (ADMIN): every invoice, credit note, payment and refund still gives the hash
 * it was chained with when written, no link is missing, and none was written around Volant (CGI art. 286 I 3° bis).
 */
export function FiscalChainCard() {
  const { t } = useTranslation();
  const verify = useMutation({ mutationFn: () => unwrap(api.GET('/api/v1/payments/verify')) });
  const data = verify.data;
  return (
    <SectionCard title={t('billing.chain.title')} hint={t('billing.chain.hint')} data-testid="fiscal-chain">
      {/* Its label wraps on a phone rather than overflowing the card. */}
      <Button
        variant="light"
        onClick={() => verify.mutate()}
        loading={verify.isPending}
        h="auto"
        mih={36}
        py={6}
        styles={{ label: { whiteSpace: 'normal' } }}
        style={{ alignSelf: 'flex-start' }}
      >
        {t('billing.chain.verify')}
      </Button>
      <div aria-live="polite">
        {data &&
          (data.ok ? (
            <Alert color="green" mt="md" data-testid="fiscal-verify-result" data-ok="true">
              {t('billing.chain.ok', { count: data.checked })}
            </Alert>
          ) : (
            <Alert color="red" mt="md" data-testid="fiscal-verify-result" data-ok="false">
              {data.first_break
                ? t(`billing.chain.broken.${data.first_break.problem === 'altered' || data.first_break.problem === 'missing' ? data.first_break.problem : 'gap'}`, {
                    seq: data.first_break.seq,
                  })
                : t('billing.chain.unchained', { count: data.unchained.length })}
            </Alert>
          ))}
        <FormError error={verify.error} />
      </div>
    </SectionCard>
  );
}
