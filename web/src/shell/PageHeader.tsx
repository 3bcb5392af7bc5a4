import type { ReactNode } from 'react';
import { Group, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useHeadingFocus } from './pageFocus.ts';

/**
 * The page's <h1>, also used as the document title ("Utilisateurs · Volant"). When the route changes (after login,
 * a menu link, opening a student file), the heading takes the focus, so that a screen reader announces the new page
 * and the keyboard goes on from there (it is focusable by script only: tabIndex -1).
 */
export function PageHeader({ title, intro, actions }: { title: string; intro?: ReactNode; actions?: ReactNode }) {
  const { t } = useTranslation();
  const headingRef = useHeadingFocus();
  useDocumentTitle(`${title} · ${t('app.name')}`);
  return (
    <Group justify="space-between" align="flex-start" mb="lg" gap="sm">
      <div>
        <Title order={1} size="h2" ref={headingRef} tabIndex={-1} className="page-heading">
          {title}
        </Title>
        {intro !== undefined && (
          <Text c="dimmed" mt={4}>
            {intro}
          </Text>
        )}
      </div>
      {actions}
    </Group>
  );
}
