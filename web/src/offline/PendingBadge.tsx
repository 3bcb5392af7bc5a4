import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OutboxEntry } from './outbox.ts';

/** "Terminée (en attente d'envoi)": how a lesson marked without network shows until the server has it. */
export function PendingBadge({ entry }: { entry: OutboxEntry }) {
  const { t } = useTranslation();
  const label = entry.status === 'conflict' ? t('offline.pendingConflict') : entry.kind === 'complete' ? t('offline.pendingDone') : t('offline.pendingNoShow');
  return (
    <Badge
      color={entry.status === 'conflict' ? 'red.8' : 'orange.9'}
      variant="filled"
      h="auto"
      py={2}
      styles={{ label: { whiteSpace: 'normal', textAlign: 'center' } }}
      data-testid="pending-badge"
    >
      {label}
    </Badge>
  );
}
