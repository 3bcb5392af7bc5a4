import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { guardiansKey, historyKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatDate } from '../../lib/format.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { validateEmail } from '../../lib/passwords.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { fullName, type Student } from './api.ts';
import { ageOn } from './studentForm.ts';

export type GuardianItem = ResponseBody<'/api/v1/students/{id}/guardians', 'get', 200>['items'][number];

/**
 * "Représentants légaux" on a minor's file (office): the parents who read the student's space from their own account
 * (active) or were invited and have not answered yet (with the invitation's expiry), "Inviter" by e-mail (prefilled
 * with the file's guardian), and "Retirer l'accès". An adult student has none: the card says so instead of the form.
 */
export function GuardiansCard({ student }: { student: Student }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const age = ageOn(student.birth_date, todayIn(zone));
  const minor = age !== null && age < 18;
  const guardians = useQuery({
    queryKey: guardiansKey(student.id),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}/guardians', { params: { path: { id: student.id } } })),
  });
  const [revoking, setRevoking] = useState<GuardianItem | null>(null);
  const none = guardians.data?.items.length === 0;

  return (
    <SectionCard title={t('guardians.card.title')} hint={t('guardians.card.hint')} data-testid="guardians-card">
      <Stack gap="md">
        {(minor || !none) && (
          <QueryView query={guardians} empty={t('guardians.card.empty')}>
            {(data) => (
              <Stack component="ul" gap="xs" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label={t('guardians.card.list')} data-testid="guardians-list">
                {data.items.map((item) => (
                  <GuardianRow key={`${item.user_id ?? ''}-${item.email}`} item={item} zone={zone} onRevoke={() => setRevoking(item)} />
                ))}
              </Stack>
            )}
          </QueryView>
        )}
        {minor ? (
          <InviteForm student={student} />
        ) : (
          <Alert color="blue" data-testid="guardians-adult">
            {age === null ? t('guardians.card.noBirthDate') : t('guardians.card.adult')}
          </Alert>
        )}
      </Stack>
      <AppModal opened={revoking !== null} onClose={() => setRevoking(null)} title={t('guardians.card.revokeTitle')}>
        {revoking && <RevokeConfirm student={student} item={revoking} onDone={() => setRevoking(null)} />}
      </AppModal>
    </SectionCard>
  );
}

const nameOf = (item: GuardianItem): string => item.display_name || item.email;

function GuardianRow({ item, zone, onRevoke }: { item: GuardianItem; zone: string; onRevoke: () => void }) {
  const { t } = useTranslation();
  const active = item.status === 'active';
  return (
    <Card component="li" withBorder padding="sm" radius="md" data-testid="guardian" data-email={item.email} data-status={item.status}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
            {nameOf(item)}
          </Text>
          {item.display_name && (
            <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {item.email}
            </Text>
          )}
          <Group gap="xs" wrap="wrap">
            <Badge color={active ? 'teal' : 'orange'} variant="light" style={{ minWidth: 'max-content' }}>
              {active ? t('guardians.card.statuses.active') : t('guardians.card.statuses.invited')}
            </Badge>
            <Text size="sm">
              {t('guardians.card.columns.since')} {formatDate(item.since, zone)}
            </Text>
          </Group>
          {!active && item.expires_at && (
            <Text size="sm" c="dimmed">
              {t('guardians.card.expires', { date: formatDate(item.expires_at, zone) })}
            </Text>
          )}
        </Stack>
        {active && item.user_id && (
          <Button variant="light" color="red" mih={44} onClick={onRevoke} aria-label={t('guardians.card.revokeOf', { name: nameOf(item) })}>
            {t('guardians.card.revoke')}
          </Button>
        )}
      </Group>
    </Card>
  );
}

function InviteForm({ student }: { student: Student }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: student.guardian?.email ?? '' },
    validate: { email: (value) => validateEmail(value, t) },
  });
  const invite = useApiForm(form, {
    mutationFn: (email: string) =>
      unwrap(api.POST('/api/v1/students/{id}/guardians/invite', { params: { path: { id: student.id } }, body: { email } })),
    onSuccess: (_invitation, email) => {
      notifySuccess(t('guardians.card.invite.sent', { email }));
      form.setValues({ email: '' });
      void queryClient.invalidateQueries({ queryKey: guardiansKey(student.id) });
      void queryClient.invalidateQueries({ queryKey: historyKey(student.id) });
    },
  });
  return (
    <form onSubmit={invite.onSubmit((values) => values.email.trim())} noValidate aria-label={t('guardians.card.invite.title')}>
      <Stack gap="sm">
        <Text fw={600}>{t('guardians.card.invite.title')}</Text>
        <FormError error={invite.failure} />
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label={t('guardians.card.invite.email')}
            description={t('guardians.card.invite.emailHint')}
            type="email"
            autoComplete="off"
            required
            style={{ flex: '1 1 16rem' }}
            {...form.getInputProps('email')}
          />
          <Button type="submit" loading={invite.isPending} mih={36}>
            {t('guardians.card.invite.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RevokeConfirm({ student, item, onDone }: { student: Student; item: GuardianItem; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const name = nameOf(item);
  const revoke = useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.DELETE('/api/v1/students/{id}/guardians/{user_id}', { params: { path: { id: student.id, user_id: userId } } })),
    onSuccess: () => {
      notifySuccess(t('guardians.card.revoked', { name }));
      void queryClient.invalidateQueries({ queryKey: guardiansKey(student.id) });
      void queryClient.invalidateQueries({ queryKey: historyKey(student.id) });
      onDone();
    },
  });
  return (
    <Stack gap="md">
      <FormError error={revoke.error} />
      <Text>{t('guardians.card.revokeText', { name, student: fullName(student) })}</Text>
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onDone} data-autofocus>
          {t('common.cancel')}
        </Button>
        <Button color="red" loading={revoke.isPending} onClick={() => item.user_id && revoke.mutate(item.user_id)}>
          {t('guardians.card.revokeSubmit')}
        </Button>
      </Group>
    </Stack>
  );
}
