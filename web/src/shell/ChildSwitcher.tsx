import { Group, Paper, Select, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Session } from '../api/client.ts';
import { followChild } from '../api/session.ts';
import { childName, childrenOf, followedChild } from '../lib/guardian.ts';
import { notifyError, notifySuccess } from '../lib/notify.ts';

/**
 * A guardian's bar above every page: the child they follow now ("Vous suivez : Léa Martin") and, with two children or
 * more, the select to follow another (POST /auth/switch-child; then every page reads the new child). On every screen
 * width, above the page's title, so that a parent on a phone always knows whose planning they read.
 */
export function ChildSwitcher({ session }: { session: Session }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const child = followedChild(session);
  const switchChild = useMutation({
    mutationFn: (studentId: string) => unwrap(api.POST('/api/v1/auth/switch-child', { body: { student_id: studentId } })),
    onSuccess: async (next) => {
      await followChild(queryClient, next);
      const now = followedChild(next);
      if (now) notifySuccess(t('guardians.switcher.switched', { name: childName(now) }));
    },
    onError: (error) => notifyError(error, t),
  });
  const children = childrenOf(session);
  const choose = children.length > 1 || (children.length === 1 && child === null);

  return (
    <Paper component="section" aria-label={t('guardians.switcher.region')} withBorder radius="md" p="xs" mb="md" data-testid="child-switcher">
      <Group justify="space-between" align="flex-end" gap="xs" wrap="wrap">
        <Text fw={600} style={{ overflowWrap: 'anywhere' }} data-testid="followed-child">
          {child ? t('guardians.switcher.following', { name: childName(child) }) : t('guardians.switcher.none')}
        </Text>
        {choose && (
          <Select
            label={t('guardians.switcher.select')}
            data={children.map((c) => ({ value: c.id, label: childName(c) }))}
            value={child?.id ?? null}
            onChange={(value) => {
              if (value !== null && value !== session.student_id) switchChild.mutate(value);
            }}
            allowDeselect={false}
            disabled={switchChild.isPending}
            size="sm"
            w={{ base: '100%', xs: 240 }}
            comboboxProps={{ withinPortal: true }}
            data-testid="child-select"
          />
        )}
      </Group>
    </Paper>
  );
}
