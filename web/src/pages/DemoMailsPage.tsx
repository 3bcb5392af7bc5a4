import { Accordion, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { DEMO_MAILS_KEY } from '../api/keys.ts';
import { useCurrentSession } from '../api/session.ts';
import { formatDateTime } from '../lib/format.ts';
import { Linkified } from '../lib/linkify.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { PageHeader } from '../shell/PageHeader.tsx';

export default function DemoMailsPage() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const mails = useQuery({ queryKey: DEMO_MAILS_KEY, queryFn: () => unwrap(api.GET('/api/v1/demo/mails')), staleTime: 10 * 1000 });

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
      <QueryView query={mails} empty={t('demoMails.empty')}>
        {(page) => (
          <Accordion variant="separated" multiple>
            {page.items.map((mail) => (
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
      </QueryView>
    </>
  );
}
