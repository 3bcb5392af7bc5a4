import { useState } from 'react';
import { Accordion, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type CaughtSms, type DemoMail } from '../api/client.ts';
import { DEMO_MAILS_KEY, DEMO_SMS_KEY } from '../api/keys.ts';
import { useCurrentSession } from '../api/session.ts';
import { formatDateTime } from '../lib/format.ts';
import { Linkified } from '../lib/linkify.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { ResponsiveTable, type Column } from '../components/ResponsiveTable.tsx';
import { PageHeader } from '../shell/PageHeader.tsx';

type Tab = 'mails' | 'sms';

/** /courriels-demo (ADMIN, demo profile): the mails and the SMS the demo caught instead of sending them. */
export default function DemoMailsPage() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [tab, setTab] = useState<Tab>('mails');
  const mails = useQuery({ queryKey: DEMO_MAILS_KEY, queryFn: () => unwrap(api.GET('/api/v1/demo/mails')), staleTime: 10 * 1000 });
  const sms = useQuery({
    queryKey: DEMO_SMS_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/demo/sms')),
    staleTime: 10 * 1000,
    enabled: tab === 'sms',
  });
  const current = tab === 'mails' ? mails : sms;

  const smsColumns: Column<CaughtSms>[] = [
    { key: 'to', header: t('demoMails.smsTo'), primary: true, nowrap: true, cell: (m) => m.to },
    { key: 'at', header: t('demoMails.smsAt'), nowrap: true, cell: (m) => formatDateTime(m.created_at, zone) },
    { key: 'text', header: t('demoMails.smsText'), cell: (m) => <Linkified text={m.text} /> },
  ];

  return (
    <>
      <PageHeader
        title={t('demoMails.title')}
        intro={tab === 'mails' ? t('demoMails.intro') : t('demoMails.smsIntro')}
        actions={
          <Button variant="light" onClick={() => void current.refetch()} loading={current.isFetching}>
            {t('demoMails.refresh')}
          </Button>
        }
      />
      <Tabs value={tab} onChange={(value) => setTab(value === 'sms' ? 'sms' : 'mails')} keepMounted={false}>
        <Tabs.List aria-label={t('demoMails.tabs')} mb="md">
          <Tabs.Tab value="mails">{t('demoMails.mailsTab')}</Tabs.Tab>
          <Tabs.Tab value="sms">{t('demoMails.smsTab')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="mails">
          <QueryView query={mails} empty={t('demoMails.empty')}>
            {(page) => (
              <Accordion variant="separated" multiple>
                {page.items.map((mail) => (
                  <MailItem key={mail.id} mail={mail} zone={zone} />
                ))}
              </Accordion>
            )}
          </QueryView>
        </Tabs.Panel>
        <Tabs.Panel value="sms">
          <QueryView query={sms} empty={t('demoMails.smsEmpty')}>
            {(page) => (
              <ResponsiveTable
                rows={page.items}
                columns={smsColumns}
                rowKey={(m) => m.id}
                rowProps={() => ({ 'data-testid': 'demo-sms' })}
                label={t('demoMails.smsList')}
                minWidth={640}
                busy={sms.isFetching}
              />
            )}
          </QueryView>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function MailItem({ mail, zone }: { mail: DemoMail; zone: string }) {
  const { t } = useTranslation();
  const html = mail.body_html ?? null;
  return (
    <Accordion.Item value={mail.id} data-testid="demo-mail">
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
        <Stack gap="sm">
          {html !== null && html !== '' && (
            <>
              <Title order={3} size="h5">
                {t('demoMails.htmlHeading')}
              </Title>
              {/* The mail's own HTML, in a sandbox: no script, no form, no link runs, another origin than the app's. */}
              <iframe
                sandbox=""
                srcDoc={html}
                title={t('demoMails.htmlTitle', { subject: mail.subject })}
                style={{ width: '100%', height: 480, border: '1px solid var(--mantine-color-gray-4)', borderRadius: 4, background: 'white' }}
              />
              <Title order={3} size="h5">
                {t('demoMails.textHeading')}
              </Title>
            </>
          )}
          <div className="mail-body">
            <Linkified text={mail.body_text} />
          </div>
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}
