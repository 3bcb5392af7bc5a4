import { Accordion, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { formatDateTime } from '../lib/format.ts';
import { Linkified } from '../lib/linkify.tsx';
import { PageHeader } from '../shell/PageHeader.tsx';
import { PageLoader } from '../shell/PageLoader.tsx';
import { LoadError } from '../shell/LoadError.tsx';
import { demoMailsQuery } from './demoMailsQuery.ts';

export default function DemoMailsPage() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const mails = useQuery(demoMailsQuery);

  return (
    <>
      <PageHeader
        title={t('demoMails.title')}
        intro={t('demoMails.intro')}
        actions={
          <Button variant="light" onClick={() => void mails.refetch()} loading={mails.isFetching}>
            {t('demoMails.refresh')}
          </Button>
        }
      />
      {mails.isPending ? (
        <PageLoader />
      ) : mails.isError ? (
        <LoadError error={mails.error} onRetry={() => void mails.refetch()} />
      ) : mails.data.items.length === 0 ? (
        <Text c="dimmed">{t('demoMails.empty')}</Text>
      ) : (
        <Accordion variant="separated" multiple>
          {mails.data.items.map((mail) => (
            <Accordion.Item key={mail.id} value={mail.id}>
              <Accordion.Control>
                <Stack gap={2}>
                  <Text fw={600}>{mail.subject}</Text>
                  <Group gap="md">
                    <Text size="sm" c="dimmed">
                      {t('demoMails.to', { to: mail.to })}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {t('demoMails.sentAt', { date: formatDateTime(mail.created_at, zone) })}
                    </Text>
                  </Group>
                </Stack>
              </Accordion.Control>
              <Accordion.Panel>
                <div className="mail-body">
                  <Linkified text={mail.body_text} />
                </div>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </>
  );
}
