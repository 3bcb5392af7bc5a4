import { useLayoutEffect, type ReactNode } from 'react';
import { AppShell, Burger, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { NavLink as RouterNavLink } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Session } from '../api/client.ts';
import type { NavEntry } from '../nav.ts';
import { ChildSwitcher } from './ChildSwitcher.tsx';
import { NotificationBell } from './NotificationBell.tsx';
import { resetPageFocus } from './pageFocus.ts';
import { TenantSwitcher } from './TenantSwitcher.tsx';
import { UserMenu } from './UserMenu.tsx';

const NAVBAR_STYLE = { overflowY: 'auto' } as const;
const NAV_STYLE = { display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 } as const;

export function AppLayout({ session, nav, children }: { session: Session; nav: NavEntry[]; children: ReactNode }) {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const showSwitcher = session.memberships.length > 1;
  // Runs before the first page's effects: after login, its heading takes the focus.
  useLayoutEffect(resetPageFocus, []);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a className="skip-link" href="#contenu">
        {t('app.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? t('shell.closeNavigation') : t('shell.openNavigation')}
              aria-expanded={opened}
              aria-controls="navigation-principale"
            />
            <Text fw={800} c="blue.8" size="lg" aria-hidden="true">
              {t('app.name')}
            </Text>
            <Text fw={600} size="lg" truncate="end" data-testid="school-name">
              {session.tenant.name}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationBell session={session} />
            {showSwitcher && (
              <TenantSwitcher session={session} visibleFrom="sm" />
            )}
            <UserMenu session={session} />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" id="navigation-principale" style={NAVBAR_STYLE}>
        {/* A flex column, so that the scroll area below gets the navbar's height and scrolls
            when the menu is longer than the screen (an ADMIN's menu on a laptop). */}
        <nav aria-label={t('nav.label')} style={NAV_STYLE}>
          <AppShell.Section component={ScrollArea} grow>
            {nav.map((entry) => (
              <NavLink
                key={entry.path}
                component={RouterNavLink}
                to={entry.path}
                end={entry.path === '/' || !entry.nested}
                label={t(`nav.${entry.label}`)}
                onClick={close}
              />
            ))}
          </AppShell.Section>
        </nav>
        {showSwitcher && (
          <AppShell.Section hiddenFrom="sm" mt="md">
            <TenantSwitcher session={session} />
          </AppShell.Section>
        )}
      </AppShell.Navbar>

      <AppShell.Main id="contenu" tabIndex={-1}>
        {session.role === 'GUARDIAN' && <ChildSwitcher session={session} />}
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
