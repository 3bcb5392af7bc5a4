import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Invitation, type Member, type Role } from '../api/client.ts';
import { ApiError, errorMessage, fieldErrors } from '../api/problem.ts';
import { useCurrentSession } from '../api/session.ts';
import { formatDateTime } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.ts';
import { validateEmail } from '../lib/passwords.ts';
import { ALL_ROLES } from '../lib/roles.ts';
import { useCursorList, type Page } from '../lib/useCursorList.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { PageLoader } from '../shell/PageLoader.tsx';
import { LoadError } from '../shell/LoadError.tsx';

const USERS_KEY = ['users'] as const;
const INVITATIONS_KEY = ['invitations'] as const;

function useRoleOptions() {
  const { t } = useTranslation();
  return ALL_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }));
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
      if (error instanceof ApiError && error.status === 412) {
        notifications.show({ color: 'orange', message: t('users.stale'), autoClose: 10000 });
        void queryClient.invalidateQueries({ queryKey: USERS_KEY });
      } else {
        notifyError(error, t);
      }
    },
  });

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h3" mb="md">
        {t('users.members')}
      </Title>
      {members.isPending ? (
        <PageLoader />
      ) : members.isError ? (
        <LoadError error={members.error} onRetry={() => void members.refetch()} />
      ) : members.items.length === 0 ? (
        <Text c="dimmed">{t('users.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('users.name')}</Table.Th>
                <Table.Th scope="col">{t('users.email')}</Table.Th>
                <Table.Th scope="col">{t('users.role')}</Table.Th>
                <Table.Th scope="col">{t('users.active')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.items.map((member) => {
                const self = member.id === session.user.id;
                const name = member.display_name || member.email;
                const busy = patch.isPending && patch.variables.member.id === member.id;
                return (
                  <Table.Tr key={member.id} data-testid={`member-${member.email}`}>
                    <Table.Td>
                      {name}
                      {self && (
                        <Text span c="dimmed" size="sm">
                          {' '}
                          ({t('users.you')})
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{member.email}</Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={t('users.roleOf', { name })}
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
                    </Table.Td>
                    <Table.Td>
                      <Switch
                        aria-label={t('users.activeOf', { name })}
                        checked={member.active}
                        disabled={self || busy}
                        onChange={(event) => patch.mutate({ member, change: { active: event.currentTarget.checked } })}
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {members.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="light" onClick={() => void members.fetchNextPage()} loading={members.isFetchingNextPage}>
            {t('users.loadMore')}
          </Button>
        </Group>
      )}
    </Card>
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
  const invite = useMutation({
    mutationFn: (values: { email: string; role: Role }) => unwrap(api.POST('/api/v1/invitations', { body: values })),
    onSuccess: (invitation) => {
      notifySuccess(t('users.invite.sent', { email: invitation.email }));
      form.reset();
      void queryClient.invalidateQueries({ queryKey: INVITATIONS_KEY });
    },
    onError: (error) => {
      form.setErrors(fieldErrors(error));
    },
  });

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h3" mb="md">
        {t('users.invite.title')}
      </Title>
      <form
        onSubmit={form.onSubmit((values) => {
          if (values.role !== null) invite.mutate({ email: values.email.trim(), role: values.role });
        })}
        noValidate
      >
        <Stack gap="sm">
          {invite.isError && (
            <Alert color="red" role="alert">
              {errorMessage(invite.error, t)}
            </Alert>
          )}
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
    </Card>
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
    <Card withBorder padding="lg">
      <Title order={2} size="h3" mb="md">
        {t('users.invitations.title')}
      </Title>
      {invitations.isPending ? (
        <PageLoader />
      ) : invitations.isError ? (
        <LoadError error={invitations.error} onRetry={() => void invitations.refetch()} />
      ) : invitations.items.length === 0 ? (
        <Text c="dimmed">{t('users.invitations.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('users.invitations.email')}</Table.Th>
                <Table.Th scope="col">{t('users.invitations.role')}</Table.Th>
                <Table.Th scope="col">{t('users.invitations.sentAt')}</Table.Th>
                <Table.Th scope="col">{t('users.invitations.expiresAt')}</Table.Th>
                <Table.Th scope="col">{t('users.invitations.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invitations.items.map((invitation) => {
                const status = invitationStatus(invitation, now);
                return (
                  <Table.Tr key={invitation.id}>
                    <Table.Td>{invitation.email}</Table.Td>
                    <Table.Td>{t(`roles.${invitation.role}`)}</Table.Td>
                    <Table.Td>{formatDateTime(invitation.created_at, zone)}</Table.Td>
                    <Table.Td>{formatDateTime(invitation.expires_at, zone)}</Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLOR[status]} variant="light">
                        {t(`users.invitations.${status}`)}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {invitations.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="light" onClick={() => void invitations.fetchNextPage()} loading={invitations.isFetchingNextPage}>
            {t('users.loadMore')}
          </Button>
        </Group>
      )}
    </Card>
  );
}
