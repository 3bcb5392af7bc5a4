import { useRef, useState } from 'react';
import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Session, type SessionItem } from '../../api/client.ts';
import { MY_SESSIONS_KEY } from '../../api/keys.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable, type Column } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMoment } from '../../lib/format.ts';
import { notifyError } from '../../lib/notify.ts';

/**
 * "Mes sessions": where the person is logged in (device, school, address, last activity), this session first; any
 * other one can be closed, or all of them at once. The list is read again after each action.
 */
export function SessionsCard({ session }: { session: Session }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  // The last action's result, said by the live region under the list.
  const [result, setResult] = useState('');
  const zone = session.tenant.timezone;
  const sessions = useQuery({
    queryKey: MY_SESSIONS_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/me/sessions')),
  });
  const when = (item: SessionItem) => formatMoment(item.last_seen_at, zone);

  /** The button that had the focus is gone with its row: the card's heading takes it, the list is read again. */
  const after = (message: string | null) => {
    if (message !== null) setResult(message);
    heading.current?.focus();
    void queryClient.invalidateQueries({ queryKey: MY_SESSIONS_KEY });
  };
  const revoke = useMutation({
    mutationFn: (item: SessionItem) => unwrap(api.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id: item.id } } })),
    onSuccess: (_, item) => after(t('account.sessions.revoked', { device: item.device })),
    // 404: already closed (expired, or closed elsewhere): the list says how things are now.
    onError: (error) => {
      notifyError(error, t);
      after(null);
    },
  });
  const revokeOthers = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/me/sessions')),
    onSuccess: () => after(t('account.sessions.revokedOthers')),
    onError: (error) => {
      notifyError(error, t);
      after(null);
    },
  });

  const columns: Column<SessionItem>[] = [
    {
      key: 'device',
      header: t('account.sessions.device'),
      primary: true,
      cell: (item) => (
        <Group gap="xs" wrap="wrap">
          <Text span fw={600} size="sm">
            {item.device}
          </Text>
          {item.current && (
            <Badge color="blue" variant="light">
              {t('account.sessions.current')}
            </Badge>
          )}
        </Group>
      ),
    },
    { key: 'school', header: t('account.sessions.school'), cell: (item) => item.tenant_name },
    { key: 'ip', header: t('account.sessions.ip'), cell: (item) => item.ip ?? t('account.sessions.unknown') },
    { key: 'lastSeen', header: t('account.sessions.lastSeen'), cell: when },
    {
      key: 'action',
      header: t('account.sessions.actions'),
      action: true,
      cell: (item) =>
        item.current ? null : (
          <Button
            variant="light"
            color="red"
            size="compact-sm"
            aria-label={t('account.sessions.revokeOf', { device: item.device, when: when(item) })}
            loading={revoke.isPending && revoke.variables.id === item.id}
            onClick={() => revoke.mutate(item)}
          >
            {t('account.sessions.revoke')}
          </Button>
        ),
    },
  ];

  return (
    <SectionCard title={t('account.sessions.title')} hint={t('account.sessions.hint')} headingRef={heading} data-testid="my-sessions">
      <QueryView query={sessions} empty={t('account.sessions.empty')}>
        {({ items }) => (
          <Stack gap="md">
            <ResponsiveTable
              rows={items}
              columns={columns}
              rowKey={(item) => item.id}
              rowProps={(item) => ({ 'data-testid': 'session-row', 'data-current': item.current ? 'true' : undefined })}
              label={t('account.sessions.list')}
              minWidth={640}
              busy={sessions.isFetching}
            />
            {items.some((item) => !item.current) && (
              <Group justify="flex-end">
                <Button
                  variant="light"
                  color="red"
                  onClick={() => revokeOthers.mutate()}
                  loading={revokeOthers.isPending}
                  // A long label: it wraps on a phone rather than being cut.
                  styles={{ root: { height: 'auto', minHeight: 'var(--button-height)', paddingBlock: 6 }, label: { whiteSpace: 'normal', textAlign: 'center', lineHeight: 1.35 } }}
                >
                  {t('account.sessions.revokeOthers')}
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </QueryView>
      <Text size="sm" role="status" mt={result ? 'sm' : 0} data-testid="sessions-result">
        {result}
      </Text>
    </SectionCard>
  );
}
