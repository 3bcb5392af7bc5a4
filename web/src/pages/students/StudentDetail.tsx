import { Alert, Badge, Button, Group, Stack, Tabs, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCurrentSession } from '../../api/session.ts';
import { formatMinutes } from '../../lib/duration.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { PageHeader } from '../../shell/PageHeader.tsx';
import NotFoundPage from '../NotFoundPage.tsx';
import { BillingPanel } from '../billing/BillingPanel.tsx';
import { ContractPanel } from '../billing/ContractPanel.tsx';
import { CpfPanel } from '../billing/CpfPanel.tsx';
import { BookletView } from '../booklet/BookletView.tsx';
import { StudentExams } from '../exams/StudentExams.tsx';
import { AntsPanel } from './AntsPanel.tsx';
import { STATUS_COLOR, fullName, useStudent, type Student } from './api.ts';
import { DocumentsPanel } from './DocumentsPanel.tsx';
import { GuardiansCard } from './GuardiansCard.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { HoursPanel } from './HoursPanel.tsx';
import { PortableDossier } from './PortableDossier.tsx';
import { StatusActions } from './StatusActions.tsx';
import { StudentForm } from './StudentForm.tsx';
import { ageOn, isMinor } from './studentForm.ts';

type Tab = 'dossier' | 'documents' | 'heures' | 'facturation' | 'contrat' | 'livret' | 'examens' | 'historique';
const TABS: readonly Tab[] = ['dossier', 'documents', 'heures', 'facturation', 'contrat', 'livret', 'examens', 'historique'];
const TAB_PARAM = 'onglet';

/**
 * A student's page, with the tabs Dossier, Documents, Heures, Facturation, Contrat, Livret, Examens, Historique (the tab is kept
 * in the address: `?onglet=facturation`). The office edits and acts on the file, sells and takes payments; an
 * instructor reads it (no documents, no billing) and evaluates the booklet; the student (`self`, "Mon dossier") reads
 * it and uploads documents, their hours, booklet and invoices being on "Mes heures", "Mon livret", "Mes factures".
 * Under the Dossier tab, the office files the dossier on ANTS ("Inscription ANTS"), the office and the student download
 * the portable dossier (a zip of everything), and the office gives and ends the guardians' access ("Représentants
 * légaux").
 */
export function StudentDetail({ id, base, self = false }: { id: string; base?: string; self?: boolean }) {
  const student = useStudent(id);
  return (
    <QueryView query={student} notFound={<NotFoundPage />}>
      {(data) => <StudentView student={data} base={base} self={self} />}
    </QueryView>
  );
}

function StudentView({ student: data, base, self }: { student: Student; base: string | undefined; self: boolean }) {
  const { t } = useTranslation();
  const id = data.id;
  const session = useCurrentSession();
  const role = session.role;
  const office = role === 'ADMIN' || role === 'SECRETARY';
  const today = todayIn(session.tenant.timezone);
  const [params, setParams] = useSearchParams();
  const tabs = TABS.filter((tab) => {
    if (tab === 'documents') return role !== 'INSTRUCTOR';
    if (tab === 'facturation' || tab === 'contrat') return office && !self;
    if (tab === 'heures' || tab === 'livret' || tab === 'examens') return !self;
    return true;
  });
  const raw = params.get(TAB_PARAM);
  const tab: Tab = tabs.find((candidate) => candidate === raw) ?? 'dossier';

  const name = fullName(data);
  const age = ageOn(data.birth_date, today);
  const tabLabels: Record<Tab, string> = {
    dossier: t('students.tabs.file'),
    documents: t('students.tabs.documents'),
    heures: t('students.tabs.hours'),
    facturation: t('billing.tab'),
    contrat: t('billing.contracts.tab'),
    livret: t('booklet.tab'),
    examens: t('exams.tab'),
    historique: t('students.tabs.history'),
  };

  return (
    <>
      <PageHeader
        title={self ? t('nav.myFile') : name}
        actions={
          base && (
            <Button variant="subtle" component={Link} to={base}>
              {t('students.back')}
            </Button>
          )
        }
      />
      <Stack gap="md">
        <Group gap="sm" wrap="wrap" data-testid="student-summary">
          {self && <Text fw={600}>{name}</Text>}
          <Badge color={STATUS_COLOR[data.status]} variant="light" data-testid="student-status" style={{ minWidth: 'max-content' }}>
            {t(`students.statuses.${data.status}`)}
          </Badge>
          {data.status === 'finished' && data.end_reason && (
            <Text size="sm">{t('students.detail.endReason', { reason: t(`students.endReasons.${data.end_reason}`) })}</Text>
          )}
          {age !== null && <Text size="sm">{t('students.detail.age', { count: age })}</Text>}
          {isMinor(data.birth_date, today) && (
            <Badge color="orange" variant="light">
              {t('students.detail.minor')}
            </Badge>
          )}
          <Text size="sm">{t('students.detail.remaining', { value: formatMinutes(data.remaining_minutes) })}</Text>
          <Text size="sm">{t('students.detail.bookable', { value: formatMinutes(data.bookable_minutes) })}</Text>
          {data.user_id && (
            <Badge color="teal" variant="dot">
              {t('students.detail.hasAccount')}
            </Badge>
          )}
        </Group>
        {data.status === 'archived' && (
          <Alert color="gray" data-testid="archived-notice">
            {t('students.detail.archivedNotice')}
          </Alert>
        )}
        {office && <StatusActions student={data} canErase={role === 'ADMIN'} />}
        <Tabs
          value={tab}
          onChange={(value) => {
            const next = tabs.find((candidate) => candidate === value);
            if (next) setParams({ [TAB_PARAM]: next }, { replace: true });
          }}
          keepMounted={false}
        >
          <Tabs.List aria-label={t('students.tabs.label')} mb="md">
            {tabs.map((value) => (
              <Tabs.Tab key={value} value={value}>
                {tabLabels[value]}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          <Tabs.Panel value="dossier">
            <Stack gap="lg">
              <StudentForm key={data.version} student={data} editable={office} base={base ?? ''} />
              {/* The dossier on ANTS (filing, answers, NEPH): the office's. */}
              {office && !self && <AntsPanel studentId={id} />}
              {/* The parents who follow a minor from their own account: invited and removed by the office. */}
              {office && !self && <GuardiansCard student={data} />}
              {/* The zip of everything the school keeps on the student: the office's, and the student's own. */}
              {(office || self) && <PortableDossier student={data} self={self} />}
            </Stack>
          </Tabs.Panel>
          {tabs.includes('documents') && (
            <Tabs.Panel value="documents">
              <DocumentsPanel student={data} canUpload={office || self} />
            </Tabs.Panel>
          )}
          {tabs.includes('heures') && (
            <Tabs.Panel value="heures">
              <HoursPanel studentId={id} canPost={office} />
            </Tabs.Panel>
          )}
          {tabs.includes('facturation') && (
            <Tabs.Panel value="facturation">
              <Stack gap="lg">
                <BillingPanel studentId={id} studentName={name} />
                <CpfPanel studentId={id} />
              </Stack>
            </Tabs.Panel>
          )}
          {tabs.includes('contrat') && (
            <Tabs.Panel value="contrat">
              <ContractPanel studentId={id} hasEvaluation={Boolean(data.start_evaluation)} canPrepare />
            </Tabs.Panel>
          )}
          {tabs.includes('livret') && (
            <Tabs.Panel value="livret">
              <BookletView
                studentId={id}
                editable={office || role === 'INSTRUCTOR'}
                trainingMode={data.training_mode}
                referentInstructorId={data.referent_instructor_id}
              />
            </Tabs.Panel>
          )}
          {tabs.includes('examens') && (
            <Tabs.Panel value="examens">
              <StudentExams studentId={id} canRecord={office} />
            </Tabs.Panel>
          )}
          <Tabs.Panel value="historique">
            <HistoryPanel studentId={id} />
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </>
  );
}
