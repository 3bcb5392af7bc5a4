import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { AlertsPanel } from '../components/AlertsPanel.tsx';
import { useHeadingFocus } from '../shell/pageFocus.ts';
import { followedChild } from '../lib/guardian.ts';
import { MyFiguresCard } from './analytics/MyFiguresCard.tsx';
import { ChildHome } from './guardians/ChildHome.tsx';
import { InstructorDay } from './planning/InstructorDay.tsx';

export default function HomePage() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const office = session.role === 'ADMIN' || session.role === 'SECRETARY';
  const child = followedChild(session);
  useDocumentTitle(`${t('home.title')} · ${t('app.name')}`);
  const headingRef = useHeadingFocus();
  return (
    <Stack gap="lg">
      <Card withBorder padding="xl" maw={640} data-testid="welcome-card">
        <Stack gap="xs">
          <Title order={1} size="h2" ref={headingRef} tabIndex={-1}>
            {t('home.hello', { name: session.user.display_name || session.user.email })}
          </Title>
          <Text size="lg">{t('home.school', { name: session.tenant.name })}</Text>
          <Group gap="xs">
            <Text>{t('home.roleLabel')}</Text>
            <Badge variant="light" size="lg" data-testid="role-badge">
              {t(`roles.${session.role}`)}
            </Badge>
          </Group>
        </Stack>
      </Card>
      {office && <AlertsPanel />}
      {session.role === 'INSTRUCTOR' && session.instructor_id && <InstructorDay instructorId={session.instructor_id} />}
      {session.role === 'INSTRUCTOR' && <MyFiguresCard />}
      {child && <ChildHome key={child.id} child={child} />}
    </Stack>
  );
}
