import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function PageLoader({ fullScreen = false }: { fullScreen?: boolean }) {
  const { t } = useTranslation();
  return (
    <Center h={fullScreen ? '100vh' : 200} role="status" aria-live="polite">
      {/* A span may not carry a name of its own (axe: aria-prohibited-attr): it is an indeterminate progress bar. */}
      <Loader role="progressbar" aria-label={t('app.loading')} />
    </Center>
  );
}
