import { useId, useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type ResponseBody } from '../api/client.ts';
import { useCurrentSession } from '../api/session.ts';
import { QueryView } from '../components/QueryView.tsx';
import { ResponsiveTable } from '../components/ResponsiveTable.tsx';
import { formatDateTime } from '../lib/format.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { STATUSES, STATUS_COLOR, type StudentStatus } from './students/api.ts';

type SiteRegistration = ResponseBody<'/api/v1/site-registrations', 'get', 200>['items'][number];

const PAGE_SIZE = 25;
/** A message longer than this (or on several lines) shows its first two lines, and a button to read it all. */
const SHORT_MESSAGE = 140;

/** The registrations from the public site, page by page (a new registration opens a prospect's file). */
const siteRegistrationsKey = (cursor: string | null) => ['site-registrations', cursor] as const;

function isStudentStatus(status: string): status is StudentStatus {
  return (STATUSES as readonly string[]).includes(status);
}

/**
 * /inscriptions-en-ligne (ADMIN, SECRETARY): the people who registered on the school's public site, newest first and
 * page by page like the technical journal, with what the office needs to call them back. The name opens the student
 * file (a prospect's until the office makes it active there).
 */
export default function RegistrationsPage() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  // Cursors of the pages seen so far: the last one is the current page (null = the newest registrations).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const registrations = useQuery({
    queryKey: siteRegistrationsKey(cursor),
    queryFn: () => unwrap(api.GET('/api/v1/site-registrations', { params: { query: { limit: PAGE_SIZE, ...(cursor !== null ? { cursor } : {}) } } })),
    placeholderData: keepPreviousData,
  });
  const next = registrations.data?.next_cursor;

  return (
    <>
      <PageHeader title={t('siteRegistrations.title')} intro={t('siteRegistrations.intro')} />
      <Card withBorder padding="lg">
        <QueryView query={registrations} empty={t('siteRegistrations.empty')}>
          {(page) => (
            <ResponsiveTable
              rows={page.items}
              rowKey={(registration) => registration.id}
              rowProps={(registration) => ({ 'data-testid': 'site-registration', 'data-status': registration.student_status })}
              minWidth={860}
              verticalSpacing="sm"
              busy={registrations.isFetching}
              label={t('siteRegistrations.list')}
              data-testid="site-registrations"
              columns={[
                {
                  key: 'name',
                  header: t('siteRegistrations.columns.name'),
                  primary: true,
                  cell: (registration) => (
                    <Anchor component={Link} to={`/eleves/${registration.student_id}`} fw={600}>
                      {registration.student_name}
                    </Anchor>
                  ),
                },
                { key: 'status', header: t('siteRegistrations.columns.status'), cell: (registration) => <StatusBadge status={registration.student_status} /> },
                { key: 'contact', header: t('siteRegistrations.columns.contact'), cell: (registration) => <Contact registration={registration} /> },
                {
                  key: 'message',
                  header: t('siteRegistrations.columns.message'),
                  cell: (registration) =>
                    registration.message?.trim() ? <Message text={registration.message.trim()} name={registration.student_name} /> : t('common.none'),
                },
                {
                  key: 'consentedAt',
                  header: t('siteRegistrations.columns.consentedAt'),
                  nowrap: true,
                  cell: (registration) => (
                    <time dateTime={registration.consented_at}>{formatDateTime(registration.consented_at, zone)}</time>
                  ),
                },
              ]}
            />
          )}
        </QueryView>
        {(cursors.length > 1 || Boolean(next)) && (
          <Group justify="space-between" mt="md" gap="sm">
            <Text size="sm" c="dimmed">
              {t('siteRegistrations.page', { page: cursors.length })}
            </Text>
            <Group gap="xs" role="group" aria-label={t('siteRegistrations.pages')}>
              <Button variant="default" size="sm" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                {t('siteRegistrations.newer')}
              </Button>
              <Button
                variant="default"
                size="sm"
                disabled={!next || registrations.isPlaceholderData}
                onClick={() => {
                  if (next) setCursors((c) => [...c, next]);
                }}
              >
                {t('siteRegistrations.older')}
              </Button>
            </Group>
          </Group>
        )}
      </Card>
    </>
  );
}

/** The file's status now: "Prospect" until the office makes the student active from the file. */
function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = isStudentStatus(status);
  return (
    <Badge color={known ? STATUS_COLOR[status] : 'gray'} variant="light" style={{ minWidth: 'max-content' }}>
      {known ? t(`students.statuses.${status}`) : status}
    </Badge>
  );
}

function Contact({ registration }: { registration: SiteRegistration }) {
  const { t } = useTranslation();
  const email = registration.email?.trim();
  const phone = registration.phone?.trim();
  if (!email && !phone) {
    return (
      <Text span size="sm" c="dimmed">
        {t('siteRegistrations.noContact')}
      </Text>
    );
  }
  return (
    <Stack gap={2} align="flex-start">
      {email && (
        <Anchor href={`mailto:${email}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
          {email}
        </Anchor>
      )}
      {phone && (
        <Anchor href={`tel:${phone.replace(/[\s.]+/g, '')}`} size="sm" style={{ whiteSpace: 'nowrap' }}>
          {phone}
        </Anchor>
      )}
    </Stack>
  );
}

/**
 * The visitor's message: a long one is cut to two lines on screen (the whole text stays in the page for a screen
 * reader), with a button to read it all.
 */
function Message({ text, name }: { text: string; name: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const long = text.length > SHORT_MESSAGE || text.includes('\n');
  return (
    <div style={{ maxWidth: '32rem', minWidth: 0 }}>
      <Text id={id} size="sm" lineClamp={long && !open ? 2 : undefined} style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}>
        {text}
      </Text>
      {long && (
        <Button
          variant="subtle"
          size="compact-xs"
          px={0}
          aria-expanded={open}
          aria-controls={id}
          aria-label={open ? t('siteRegistrations.hideMessageOf', { name }) : t('siteRegistrations.showMessageOf', { name })}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? t('siteRegistrations.hideMessage') : t('siteRegistrations.showMessage')}
        </Button>
      )}
    </div>
  );
}
