import type { ReactNode } from 'react';
import { Box, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';

/** Centered card for the pages seen before login. */
export function PublicLayout({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  useDocumentTitle(`${title} · ${t('app.name')}`);
  return (
    <Box component="main" bg="gray.0" mih="100vh">
      <Center mih="100vh" p="md">
        <Stack w="100%" maw={420} gap="md">
          <Text ta="center" fw={800} fz={28} c="blue.8" aria-hidden="true">
            {t('app.name')}
          </Text>
          <Paper withBorder shadow="sm" p="xl" radius="md">
            <Title order={1} size="h3" mb={intro === undefined ? 'md' : 4}>
              {title}
            </Title>
            {intro !== undefined && (
              <Text c="dimmed" size="sm" mb="md">
                {intro}
              </Text>
            )}
            {children}
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
