import { Badge, Button, Group, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Invitation, type Member, type Role } from '../api/client.ts';
import { INVITATIONS_KEY, USERS_KEY } from '../api/keys.ts';
import { useCurrentSession } from '../api/session.ts';
import { FormError } from '../components/FormError.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { ResponsiveTable } from '../components/ResponsiveTable.tsx';
import { SectionCard } from '../components/SectionCard.tsx';
import { formatDateTime } from '../lib/format.ts';
import { isStale } from '../lib/formErrors.ts';
import { notifyError, notifyStale, notifySuccess } from '../lib/notify.ts';
import { validateEmail } from '../lib/passwords.ts';
import { MEMBER_ROLES } from '../lib/roles.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { useCursorList, type Page } from '../lib/useCursorList.ts';
import { PageHeader } from '../shell/PageHeader.tsx';

function useRoleOptions() {
  const { t } = useTranslation();
  return MEMBER_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }));
}

export default function UsersPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('users.title')} />
      <Stack gap="xl">
        <MembersCard />
        <InviteCard />
        <InvitationsCard />
      </Stack>
    </>
  );
}

function MembersCard() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const roleOptions = useRoleOptions();
  const members = useCursorList(USERS_KEY, (cursor) =>
    unwrap(api.GET('/api/v1/users', { params: { query: { limit: 200, cursor } } })),
  );

  const patch = useMutation({
    mutationFn: ({ member, change }: { member: Member; change: { role?: Role; active?: boolean } }) =>
      unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id: member.id } }, body: { ...change, version: member.version } })),
    onSuccess: (updated) => {
      queryClient.setQueryData<InfiniteData<Page<Member>>>(USERS_KEY, (data) =>
        data
          ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((m) => (m.id === updated.id ? updated : m)) })) }
          : data,
      );
      notifySuccess(t('users.updated', { name: updated.display_name || updated.email }));
    },
    onError: (error) => {
      if (isStale(error)) {
        notifyStale(t('users.stale'));
        void queryClient.invalidateQueries({ queryKey: USERS_KEY });
      } else {
        notifyError(error, t);
      }
    },
  });

  return (
    <SectionCard title={t('users.members')}>
      <QueryView query={members} empty={t('users.empty')}>
        {(items) => (
          <ResponsiveTable
            rows={items}
            rowKey={(member) => member.id}
            rowProps={(member) => ({ 'data-testid': `member-${member.email}` })}
            label={t('users.members')}
            columns={[
              {
                key: 'name',
                header: t('users.name'),
                primary: true,
                cell: (member) => (
                  <>
                    {member.display_name || member.email}
                    {member.id === session.user.id && (
                      <Text span c="dimmed" size="sm" fw={400}>
                        {' '}
                        ({t('users.you')})
                      </Text>
                    )}
                  </>
                ),
              },
              { key: 'email', header: t('users.email'), cell: (member) => member.email },
              {
                key: 'role',
                header: t('users.role'),
                cell: (member) => {
                  const self = member.id === session.user.id;
                  const busy = patch.isPending && patch.variables.member.id === member.id;
                  // A guardian's access comes from a child's file (given and ended there), not from a role chosen here.
                  if (!MEMBER_ROLES.includes(member.role)) return <Text size="sm">{t(`roles.${member.role}`)}</Text>;
                  return (
                    <Select
                      aria-label={t('users.roleOf', { name: member.display_name || member.email })}
                      data={roleOptions}
                      value={member.role}
                      allowDeselect={false}
                      disabled={self || busy}
                      onChange={(value) => {
                        if (value !== null && value !== member.role) {
                          patch.mutate({ member, change: { role: value } });
                        }
                      }}
                      w={190}
                    />
                  );
                },
              },
              {
                key: 'active',
                header: t('users.active'),
                cell: (member) => {
                  const self = member.id === session.user.id;
                  const busy = patch.isPending && patch.variables.member.id === member.id;
                  return (
                    <Switch
                      aria-label={t('users.activeOf', { name: member.display_name || member.email })}
                      checked={member.active}
                      disabled={self || busy}
                      onChange={(event) => patch.mutate({ member, change: { active: event.currentTarget.checked } })}
                    />
                  );
                },
              },
            ]}
          />
        )}
      </QueryView>
    </SectionCard>
  );
}

function InviteCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const roleOptions = useRoleOptions();
  const form = useForm<{ email: string; role: Role | null }>({
    mode: 'controlled',
    initialValues: { email: '', role: 'STUDENT' },
    validate: {
      email: (value) => validateEmail(value, t),
      role: (value) => (value === null ? t('validation.required') : null),
    },
  });
  const invite = useApiForm(form, {
    mutationFn: (values: { email: string; role: Role }) => unwrap(api.POST('/api/v1/invitations', { body: values })),
    onSuccess: (invitation) => {
      notifySuccess(t('users.invite.sent', { email: invitation.email }));
      form.reset();
      void queryClient.invalidateQueries({ queryKey: INVITATIONS_KEY });
    },
  });

  return (
    <SectionCard title={t('users.invite.title')}>
      <form onSubmit={invite.onSubmit(({ email, role }) => (role === null ? null : { email: email.trim(), role }))} noValidate>
        <Stack gap="sm">
          <FormError error={invite.failure} />
          <Group align="flex-start" gap="sm" grow preventGrowOverflow={false} wrap="wrap">
            <TextInput
              label={t('users.invite.email')}
              type="email"
              autoComplete="off"
              required
              miw={240}
              {...form.getInputProps('email')}
            />
            <Select
              label={t('users.invite.role')}
              data={roleOptions}
              required
              allowDeselect={false}
              miw={180}
              {...form.getInputProps('role')}
            />
          </Group>
          <Group justify="flex-end">
            <Button type="submit" loading={invite.isPending}>
              {t('users.invite.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </SectionCard>
  );
}

function invitationStatus(invitation: Invitation, now: number): 'accepted' | 'expired' | 'pending' {
  if (invitation.accepted_at) return 'accepted';
  if (Date.parse(invitation.expires_at) <= now) return 'expired';
  return 'pending';
}

const STATUS_COLOR = { accepted: 'green', expired: 'gray', pending: 'blue' } as const;

function InvitationsCard() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const zone = session.tenant.timezone;
  const invitations = useCursorList(INVITATIONS_KEY, (cursor) =>
    unwrap(api.GET('/api/v1/invitations', { params: { query: { limit: 200, cursor } } })),
  );
  const now = invitations.dataUpdatedAt;

  return (
    <SectionCard title={t('users.invitations.title')}>
      <QueryView query={invitations} empty={t('users.invitations.empty')}>
        {(items) => (
          <ResponsiveTable
            rows={items}
            rowKey={(invitation) => invitation.id}
            label={t('users.invitations.title')}
            highlightOnHover={false}
            columns={[
              { key: 'email', header: t('users.invitations.email'), primary: true, cell: (invitation) => invitation.email },
              { key: 'role', header: t('users.invitations.role'), cell: (invitation) => t(`roles.${invitation.role}`) },
              { key: 'sent', header: t('users.invitations.sentAt'), cell: (invitation) => formatDateTime(invitation.created_at, zone) },
              { key: 'expires', header: t('users.invitations.expiresAt'), cell: (invitation) => formatDateTime(invitation.expires_at, zone) },
              {
                key: 'status',
                header: t('users.invitations.status'),
                cell: (invitation) => {
                  const status = invitationStatus(invitation, now);
                  return (
                    <Badge color={STATUS_COLOR[status]} variant="light">
                      {t(`users.invitations.${status}`)}
                    </Badge>
                  );
                },
              },
            ]}
          />
        )}
      </QueryView>
    </SectionCard>
  );
}
