import { Alert, Button, Center, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/problem.ts';

export function LoadError({ error, onRetry, fullScreen = false }: { error: unknown; onRetry?: () => void; fullScreen?: boolean }) {
  const { t } = useTranslation();
  const alert = (
    <Alert color="red" title={t('errors.loadFailed')} role="alert" maw={560}>
      <Stack gap="sm" align="flex-start">
        <span>{errorMessage(error, t)}</span>
        {onRetry && (
          <Button variant="light" color="red" size="xs" onClick={onRetry}>
            {t('errors.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
  return fullScreen ? <Center h="100vh" p="md">{alert}</Center> : alert;
}
