/**
 * The instructor's outbox, visible: a bar at the bottom of every page while offline or while actions wait
 * ("Hors ligne — 2 actions en attente d'envoi", a live region), and the list of the waiting actions with their status;
 * a refused one shows the server's message with "Réessayer" and "Abandonner". Nothing for other roles.
 */
import { useState, useSyncExternalStore } from 'react';
import { Alert, Badge, Box, Button, Card, Group, Paper, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Session } from '../api/client.ts';
import { PLANNING_NAMES_KEY, SESSION_KEY } from '../api/keys.ts';
import { AppModal } from '../components/AppModal.tsx';
import type { KnownNames } from '../pages/planning/queries.ts';
import { formatShort } from '../pages/planning/time.ts';
import type { OutboxEntry } from './outbox.ts';
import { currentOutbox, replayNow, useOnline, useOutboxEntries } from './runtime.ts';

/** Out of sight but still in the page: the live region is there before it speaks. */
const VISUALLY_HIDDEN = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' } as const;

const STATUS_COLOUR = { pending: 'blue.8', sending: 'blue.8', conflict: 'red.8' } as const;

/** The session in the cache (read, never fetched here: the shell does). */
function useCachedSession(): Session | null | undefined {
  const queryClient = useQueryClient();
  return useSyncExternalStore(
    (listener) => queryClient.getQueryCache().subscribe(listener),
    () => queryClient.getQueryData<Session | null>(SESSION_KEY),
  );
}

/** The bar's sentence: offline or not, how many wait, how many were refused. */
function barText(online: boolean, entries: readonly OutboxEntry[], t: TFunction): string {
  const conflicts = entries.filter((e) => e.status === 'conflict').length;
  const waiting = entries.length - conflicts;
  const parts: string[] = [];
  if (!online) parts.push(t('offline.offline'));
  if (waiting > 0) parts.push(t('offline.pending', { count: waiting }));
  if (conflicts > 0) parts.push(t('offline.conflicts', { count: conflicts }));
  if (parts.length === 1 && !online) return t('offline.offlineNothing');
  return parts.join(' — ');
}

export function OfflineBar() {
  const session = useCachedSession();
  if (!session || session.role !== 'INSTRUCTOR') return null;
  return <InstructorBar timeZone={session.tenant.timezone} />;
}

function InstructorBar({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const online = useOnline();
  const entries = useOutboxEntries();
  const [open, setOpen] = useState(false);
  const shown = !online || entries.length > 0;
  return (
    <>
      {/* The live region stays in the page (empty when there is nothing to say), so that changes are announced. */}
      <Box component="aside" aria-label={t('offline.region')} data-testid="offline-bar-region">
        {shown && <Box h={72} aria-hidden="true" />}
        <Paper
          shadow="md"
          p="xs"
          radius={0}
          withBorder
          style={
            shown
              ? {
                  position: 'fixed',
                  left: 0,
                  right: 0,
                  bottom: 0,
                  zIndex: 150,
                  background: online ? 'var(--mantine-color-blue-0)' : 'var(--mantine-color-gray-1)',
                }
              : VISUALLY_HIDDEN
          }
        >
          <Group justify="space-between" gap="xs" wrap="nowrap" maw={960} mx="auto">
            <Text size="sm" fw={600} role="status" aria-live="polite" data-testid="offline-bar">
              {shown ? barText(online, entries, t) : ''}
            </Text>
            {entries.length > 0 && (
              <Button size="xs" variant="default" onClick={() => setOpen(true)} style={{ flexShrink: 0 }}>
                {t('offline.show')}
              </Button>
            )}
          </Group>
        </Paper>
      </Box>
      <AppModal opened={open} onClose={() => setOpen(false)} title={t('offline.listTitle')}>
        <OutboxList entries={entries} online={online} timeZone={timeZone} />
      </AppModal>
    </>
  );
}

function OutboxList({ entries, online, timeZone }: { entries: readonly OutboxEntry[]; online: boolean; timeZone: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const names = queryClient.getQueryData<KnownNames>(PLANNING_NAMES_KEY);
  const box = currentOutbox();
  if (entries.length === 0) {
    return (
      <Text role="status" data-testid="outbox-empty">
        {t('offline.empty')}
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('offline.listHint')}
      </Text>
      {online && entries.some((e) => e.status === 'pending') && (
        <Button variant="light" onClick={() => void replayNow()} w="fit-content">
          {t('offline.sendNow')}
        </Button>
      )}
      <Stack component="ol" gap="xs" style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="outbox-list">
        {entries.map((entry) => {
          const student = entry.lesson.student_id ? names?.students.get(entry.lesson.student_id) : undefined;
          const what = `${t(`offline.kinds.${entry.kind}`)} · ${t('offline.lesson', { when: formatShort(entry.lesson.starts_at, timeZone) })}`;
          return (
            <li key={entry.id} data-testid="outbox-entry" data-lesson-id={entry.lessonId} data-status={entry.status}>
              <Card withBorder padding="sm">
                <Stack gap={4}>
                  <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
                    <Text fw={700} size="sm">
                      {what}
                    </Text>
                    <Badge color={STATUS_COLOUR[entry.status]} variant="filled" style={{ minWidth: 'max-content' }}>
                      {t(`offline.statuses.${entry.status}`)}
                    </Badge>
                  </Group>
                  {student && <Text size="sm">{t('offline.withStudent', { name: student })}</Text>}
                  {entry.kind === 'complete' && entry.body.comment && (
                    <Text size="sm" c="dimmed">
                      {t('offline.comment', { text: entry.body.comment })}
                    </Text>
                  )}
                  {entry.kind === 'complete' && (entry.body.evaluations?.length ?? 0) > 0 && (
                    <Text size="sm" c="dimmed">
                      {t('offline.evaluations', { count: entry.body.evaluations?.length ?? 0 })}
                    </Text>
                  )}
                  {entry.status === 'conflict' && entry.error && (
                    <Alert color="red" p="xs" data-testid="outbox-conflict">
                      {entry.error.detail
                        ? t('offline.refused', { detail: entry.error.detail })
                        : t('offline.refusedNoDetail', { status: entry.error.status })}
                    </Alert>
                  )}
                  {entry.status === 'conflict' && box && (
                    <Group gap="xs">
                      <Button size="xs" variant="light" aria-label={t('offline.retryLabel', { what })} onClick={() => void box.retry(entry.id)}>
                        {t('offline.retry')}
                      </Button>
                      <Button size="xs" variant="subtle" color="red" aria-label={t('offline.discardLabel', { what })} onClick={() => box.discard(entry.id)}>
                        {t('offline.discard')}
                      </Button>
                    </Group>
                  )}
                </Stack>
              </Card>
            </li>
          );
        })}
      </Stack>
    </Stack>
  );
}
