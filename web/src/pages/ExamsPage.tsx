import { Button, Stack, Tabs } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { AppModal } from '../components/AppModal.tsx';
import { PageHeader } from '../shell/PageHeader.tsx';
import { ExamHistory } from './exams/ExamHistory.tsx';
import { PlacesPanel } from './exams/PlacesPanel.tsx';
import { RdvPermisPlaces } from './exams/RdvPermisPlaces.tsx';
import { RecordExamForm } from './exams/RecordExamForm.tsx';
import { UpcomingExams } from './exams/UpcomingExams.tsx';

type Tab = 'a-venir' | 'places' | 'historique';
const TABS: readonly Tab[] = ['a-venir', 'places', 'historique'];
const TAB_PARAM = 'onglet';

/**
 * /examens (ADMIN, SECRETARY): the exams to come by day (with the results entry of a day), the school's exam places
 * to fill and the free places of RdvPermis to book, the history, and "Enregistrer un examen". The tab is kept in the
 * address.
 */
export default function ExamsPage() {
  const { t } = useTranslation();
  const [opened, dialog] = useDisclosure(false);
  const [params, setParams] = useSearchParams();
  const raw = params.get(TAB_PARAM);
  const tab: Tab = TABS.find((candidate) => candidate === raw) ?? 'a-venir';
  const labels: Record<Tab, string> = {
    'a-venir': t('exams.tabs.upcoming'),
    places: t('exams.tabs.places'),
    historique: t('exams.tabs.history'),
  };

  return (
    <>
      <PageHeader title={t('exams.title')} actions={<Button onClick={dialog.open}>{t('exams.record')}</Button>} />
      <Tabs
        value={tab}
        onChange={(value) => {
          const next = TABS.find((candidate) => candidate === value);
          if (next) setParams({ [TAB_PARAM]: next }, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label={t('exams.tabs.label')} mb="md">
          {TABS.map((value) => (
            <Tabs.Tab key={value} value={value}>
              {labels[value]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="a-venir">
          <UpcomingExams />
        </Tabs.Panel>
        <Tabs.Panel value="places">
          <Stack gap="lg">
            <PlacesPanel />
            <RdvPermisPlaces />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="historique">
          <ExamHistory />
        </Tabs.Panel>
      </Tabs>
      <AppModal opened={opened} onClose={dialog.close} title={t('exams.recordTitle')} size="lg">
        <RecordExamForm onDone={dialog.close} />
      </AppModal>
    </>
  );
}
