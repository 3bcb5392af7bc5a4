import { Anchor, Badge, Button, Card, Group, SegmentedControl, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client.ts';
import { instructorListKey } from '../api/keys.ts';
import { useAgencyOptions } from '../api/resources.ts';
import { useCurrentSession } from '../api/session.ts';
import { ColourDot } from '../components/ColourDot.tsx';
import { ExpiryDate } from '../components/ExpiryDate.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { ResponsiveTable } from '../components/ResponsiveTable.tsx';
import { AUTHORISATION_WARNING_DAYS } from '../lib/expiry.ts';
import { useCursorList } from '../lib/useCursorList.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { InstructorDetail } from './instructors/InstructorDetail.tsx';
import { NewInstructor } from './instructors/IdentityForm.tsx';
import NotFoundPage from './NotFoundPage.tsx';

/** /moniteurs (list), /moniteurs/nouveau (ADMIN), /moniteurs/:id — ADMIN and SECRETARY (see nav.ts). */
export default function InstructorsPage() {
  const { role } = useCurrentSession();
  return (
    <Routes>
      <Route index element={<InstructorList />} />
      <Route path="nouveau" element={role === 'ADMIN' ? <NewInstructor /> : <NotFoundPage />} />
      <Route path=":id" element={<InstructorById />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

function InstructorById() {
  const { id = '' } = useParams();
  return <InstructorDetail key={id} id={id} />;
}

type ActiveFilter = 'active' | 'inactive' | 'all';
const FILTERS: readonly ActiveFilter[] = ['active', 'inactive', 'all'];
const FILTER_PARAM = 'etat';

function InstructorList() {
  const { t } = useTranslation();
  const { role } = useCurrentSession();
  const { names } = useAgencyOptions();
  const [params, setParams] = useSearchParams();
  const raw = params.get(FILTER_PARAM);
  const filter: ActiveFilter = FILTERS.find((f) => f === raw) ?? 'active';
  const active = filter === 'all' ? undefined : filter === 'active';

  const instructors = useCursorList(instructorListKey(filter), (cursor) =>
    unwrap(api.GET('/api/v1/instructors', { params: { query: { limit: 200, cursor, active } } })),
  );

  const filterLabels: Record<ActiveFilter, string> = {
    active: t('instructors.filterActive'),
    inactive: t('instructors.filterInactive'),
    all: t('instructors.filterAll'),
  };

  return (
    <>
      <PageHeader
        title={t('instructors.title')}
        actions={
          role === 'ADMIN' && (
            <Button component={Link} to="/moniteurs/nouveau">
              {t('instructors.new')}
            </Button>
          )
        }
      />
      <Card withBorder padding="lg">
        <Group mb="md" gap="sm">
          <Text id="instructors-filter" fw={500}>
            {t('instructors.filter')}
          </Text>
          <SegmentedControl
            aria-labelledby="instructors-filter"
            value={filter}
            onChange={(value) => {
              setParams(value === 'active' ? {} : { [FILTER_PARAM]: value }, { replace: true });
            }}
            data={FILTERS.map((f) => ({ value: f, label: filterLabels[f] }))}
          />
        </Group>
        <QueryView query={instructors} empty={t('instructors.empty')}>
          {(items) => (
            <ResponsiveTable
              rows={items}
              rowKey={(instructor) => instructor.id}
              rowProps={(instructor) => ({ 'data-testid': `instructor-${instructor.id}` })}
              minWidth={680}
              label={t('instructors.title')}
              columns={[
                {
                  key: 'name',
                  header: t('instructors.name'),
                  primary: true,
                  cell: (instructor) => (
                    <Group gap="xs" wrap="nowrap">
                      <ColourDot colour={instructor.colour} />
                      <Anchor component={Link} to={`/moniteurs/${instructor.id}`} fw={600}>
                        {`${instructor.first_name} ${instructor.last_name}`}
                      </Anchor>
                    </Group>
                  ),
                },
                { key: 'agency', header: t('instructors.agency'), cell: (instructor) => names.get(instructor.agency_id) ?? t('common.none') },
                { key: 'categories', header: t('instructors.categories'), cell: (instructor) => instructor.categories.join(', ') || t('common.none') },
                {
                  key: 'authorisation',
                  header: t('instructors.authorisationExpiry'),
                  cell: (instructor) => <ExpiryDate date={instructor.authorisation_expires_on} warningDays={AUTHORISATION_WARNING_DAYS} />,
                },
                {
                  key: 'status',
                  header: t('instructors.status'),
                  cell: (instructor) => (
                    <Badge color={instructor.active ? 'green' : 'gray'} variant="light" style={{ minWidth: 'max-content' }}>
                      {instructor.active ? t('instructors.active') : t('instructors.inactive')}
                    </Badge>
                  ),
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
    </>
  );
}
