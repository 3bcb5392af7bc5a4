import { Badge, Button, Group, Stack, Tabs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Instructor } from '../../api/client.ts';
import { instructorKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { ColourDot } from '../../components/ColourDot.tsx';
import { ExpiryDate } from '../../components/ExpiryDate.tsx';
import { AUTHORISATION_WARNING_DAYS } from '../../lib/expiry.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { PageHeader } from '../../shell/PageHeader.tsx';
import NotFoundPage from '../NotFoundPage.tsx';
import { AvailabilityPanel } from './AvailabilityPanel.tsx';
import { ExternalCalendarsCard } from './ExternalCalendarsCard.tsx';
import { IdentityForm } from './IdentityForm.tsx';

type Tab = 'identite' | 'disponibilites';
const TAB_PARAM = 'onglet';

/**
 * An instructor's page, with the tabs "Identité" and "Disponibilités" (the tab is kept in the address, so that a
 * reload stays on it). `self`: the instructor's own page ("Mes disponibilités"), availability first.
 */
export function InstructorDetail({ id, self = false }: { id: string; self?: boolean }) {
  const instructor = useQuery({
    queryKey: instructorKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/instructors/{id}', { params: { path: { id } } })),
  });
  return (
    <QueryView query={instructor} notFound={<NotFoundPage />}>
      {(data) => <InstructorView instructor={data} self={self} />}
    </QueryView>
  );
}

function InstructorView({ instructor: data, self }: { instructor: Instructor; self: boolean }) {
  const { t } = useTranslation();
  const { role, instructor_id: ownId } = useCurrentSession();
  const office = role === 'ADMIN' || role === 'SECRETARY';
  // The external calendars: the office for any instructor, an instructor for their own record.
  const calendars = office || (role === 'INSTRUCTOR' && ownId === data.id);
  const [params, setParams] = useSearchParams();
  const raw = params.get(TAB_PARAM);
  const tab: Tab = raw === 'identite' || raw === 'disponibilites' ? raw : self ? 'disponibilites' : 'identite';
  const name = `${data.first_name} ${data.last_name}`;

  return (
    <>
      <PageHeader
        title={self ? t('nav.myAvailability') : name}
        actions={
          office && (
            <Button variant="subtle" component={Link} to="/moniteurs">
              {t('instructors.back')}
            </Button>
          )
        }
      />
      <Stack gap="md">
        <Group gap="sm" wrap="wrap">
          <ColourDot colour={data.colour} size={18} />
          <Text fw={600}>{name}</Text>
          <Badge color={data.active ? 'green' : 'gray'} variant="light" style={{ minWidth: 'max-content' }}>
            {data.active ? t('instructors.active') : t('instructors.inactive')}
          </Badge>
          <Text size="sm">
            {t('instructors.authorisationExpiryLabel')}{' '}
            <ExpiryDate date={data.authorisation_expires_on} warningDays={AUTHORISATION_WARNING_DAYS} />
          </Text>
        </Group>
        <Tabs
          value={tab}
          onChange={(value) => {
            if (value === 'identite' || value === 'disponibilites') setParams({ [TAB_PARAM]: value }, { replace: true });
          }}
        >
          <Tabs.List aria-label={t('instructors.tabs.label')} mb="md">
            {self ? (
              <>
                <Tabs.Tab value="disponibilites">{t('instructors.tabs.availability')}</Tabs.Tab>
                <Tabs.Tab value="identite">{t('instructors.tabs.identity')}</Tabs.Tab>
              </>
            ) : (
              <>
                <Tabs.Tab value="identite">{t('instructors.tabs.identity')}</Tabs.Tab>
                <Tabs.Tab value="disponibilites">{t('instructors.tabs.availability')}</Tabs.Tab>
              </>
            )}
          </Tabs.List>
          <Tabs.Panel value="identite">
            <IdentityForm key={data.version} instructor={data} editable={role === 'ADMIN'} />
          </Tabs.Panel>
          <Tabs.Panel value="disponibilites">
            <Stack gap="lg">
              <AvailabilityPanel instructorId={data.id} canEditWeekly={office} />
              {calendars && <ExternalCalendarsCard instructorId={data.id} />}
            </Stack>
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </>
  );
}
