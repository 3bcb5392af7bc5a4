import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { Alert, Button, CopyButton, Group, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { CALENDAR_FEED_KEY } from '../../api/keys.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';

/**
 * "Ajouter à mon agenda" (instructor, student): the secret address of their planning (RFC 5545), to copy or to open
 * with their calendar app, how to subscribe, and "Changer l'adresse" (after a confirmation: the old one stops working).
 */
export function CalendarFeedModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  // The last action's result ("copiée", "changée"), said by the live region at the foot.
  const [result, setResult] = useState('');
  const urlInput = useRef<HTMLInputElement>(null);
  const rotateButton = useRef<HTMLButtonElement>(null);
  const feed = useQuery({
    queryKey: CALENDAR_FEED_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/me/calendar-feed')),
    enabled: opened,
    staleTime: 5 * 60 * 1000,
  });
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/me/calendar-feed/rotate')),
    onSuccess: (answer) => {
      queryClient.setQueryData(CALENDAR_FEED_KEY, answer);
      setConfirming(false);
      setResult(t('calendarFeed.rotated'));
      urlInput.current?.focus();
    },
  });

  const close = () => {
    setConfirming(false);
    setResult('');
    rotate.reset();
    onClose();
  };

  return (
    <AppModal opened={opened} onClose={close} title={t('calendarFeed.title')} size="lg">
      <QueryView query={feed}>
        {(data) => (
          <Stack gap="md" data-testid="calendar-feed">
            <Text size="sm">{t('calendarFeed.intro')}</Text>
            <TextInput
              ref={urlInput}
              label={t('calendarFeed.url')}
              description={t('calendarFeed.urlHint')}
              value={data.url}
              readOnly
              onFocus={(e) => e.currentTarget.select()}
              data-testid="calendar-feed-url"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
            <Group gap="sm">
              <CopyButton value={data.url}>
                {({ copied, copy }) => (
                  <Button
                    variant={copied ? 'filled' : 'light'}
                    color={copied ? 'green.9' : undefined}
                    onClick={() => {
                      copy();
                      setResult(t('calendarFeed.copiedStatus'));
                    }}
                  >
                    {copied ? t('calendarFeed.copied') : t('calendarFeed.copy')}
                  </Button>
                )}
              </CopyButton>
              <Button component="a" href={data.webcal_url} variant="default" data-testid="calendar-feed-webcal">
                {t('calendarFeed.subscribe')}
              </Button>
            </Group>
            <div>
              <Title order={3} size="h5" mb={4}>
                {t('calendarFeed.howTitle')}
              </Title>
              <List size="sm" spacing={4}>
                <List.Item>{t('calendarFeed.google')}</List.Item>
                <List.Item>{t('calendarFeed.iphone')}</List.Item>
                <List.Item>{t('calendarFeed.outlook')}</List.Item>
              </List>
              <Text size="sm" c="dimmed" mt={4}>
                {t('calendarFeed.delay')}
              </Text>
            </div>
            {confirming ? (
              <Alert color="orange" title={t('calendarFeed.confirmTitle')} data-testid="calendar-feed-confirm">
                <Stack gap="sm">
                  <Text size="sm">{t('calendarFeed.confirmText')}</Text>
                  <FormError error={rotate.error} />
                  <Group gap="sm">
                    {/* It replaces the button that had the focus. */}
                    <Button color="red.8" onClick={() => rotate.mutate()} loading={rotate.isPending} autoFocus>
                      {t('calendarFeed.confirm')}
                    </Button>
                    <Button
                      variant="default"
                      onClick={() => {
                        flushSync(() => setConfirming(false));
                        rotateButton.current?.focus();
                      }}
                    >
                      {t('common.cancel')}
                    </Button>
                  </Group>
                </Stack>
              </Alert>
            ) : (
              <Group gap="sm" align="center">
                <Button ref={rotateButton} variant="light" color="red.8" onClick={() => setConfirming(true)}>
                  {t('calendarFeed.rotate')}
                </Button>
                <Text size="sm" c="dimmed" style={{ flex: '1 1 12rem' }}>
                  {t('calendarFeed.rotateHint')}
                </Text>
              </Group>
            )}
          </Stack>
        )}
      </QueryView>
      <Text size="sm" role="status" mt={result ? 'sm' : 0} data-testid="calendar-feed-result">
        {result}
      </Text>
    </AppModal>
  );
}
