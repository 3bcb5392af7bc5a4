import { Box, Button, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { timeOf } from './time.ts';
import { qrSource } from '../../lib/qr.ts';


/**
 * A done lesson's "Code de confirmation": the 6 digits the student types in "Mes heures" (or the QR code they scan),
 * valid a few minutes, on the instructor's phone.
 */
export function ConfirmationCodeButton({ lessonId, timeZone }: { lessonId: string; timeZone: string }) {
  const { t } = useTranslation();
  const [opened, modal] = useDisclosure(false);
  return (
    <>
      <Button variant="light" mih={44} onClick={modal.open}>
        {t('planning.confirmationCode.open')}
      </Button>
      <AppModal opened={opened} onClose={modal.close} title={t('planning.confirmationCode.title')}>
        {opened && <CodeView lessonId={lessonId} timeZone={timeZone} />}
      </AppModal>
    </>
  );
}

function CodeView({ lessonId, timeZone }: { lessonId: string; timeZone: string }) {
  const { t } = useTranslation();
  const code = useQuery({
    queryKey: ['lesson-confirmation-code', lessonId],
    queryFn: () => unwrap(api.GET('/api/v1/lessons/{id}/confirmation-code', { params: { path: { id: lessonId } } })),
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    retry: false,
  });
  return (
    <QueryView query={code}>
      {(data) => (
        <Stack gap="md" align="center">
          <Text size="sm" ta="center">
            {t('planning.confirmationCode.text')}
          </Text>
          <Text
            component="p"
            m={0}
            ff="monospace"
            fw={700}
            ta="center"
            aria-live="polite"
            style={{ fontSize: '2.5rem', letterSpacing: '0.3em', lineHeight: 1.2, paddingLeft: '0.3em' }}
            data-testid="confirmation-code"
          >
            {data.code}
          </Text>
          <Box bg="white" p="xs" style={{ border: '1px solid var(--mantine-color-gray-3)' }}>
            <img
              src={qrSource(data.qr_svg)}
              alt={t('planning.confirmationCode.qrAlt')}
              width={200}
              height={200}
              style={{ display: 'block', maxWidth: '100%', height: 'auto' }}
              data-testid="confirmation-qr"
            />
          </Box>
          <Text size="sm" c="dimmed" aria-live="polite">
            {t('planning.confirmationCode.validUntil', { time: timeOf(data.expires_at, timeZone) })}
          </Text>
          <Button variant="default" mih={44} loading={code.isFetching} onClick={() => void code.refetch()}>
            {t('planning.confirmationCode.refresh')}
          </Button>
        </Stack>
      )}
    </QueryView>
  );
}
