import { Select, type SelectProps } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Session } from '../api/client.ts';
import { startSession } from '../api/session.ts';
import { notifyError, notifySuccess } from '../lib/notify.ts';

export function TenantSwitcher({ session, ...props }: { session: Session } & Pick<SelectProps, 'visibleFrom' | 'hiddenFrom'>) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const switchTenant = useMutation({
    mutationFn: (tenantId: string) => unwrap(api.POST('/api/v1/auth/switch-tenant', { body: { tenant_id: tenantId } })),
    onSuccess: (next) => {
      startSession(queryClient, next);
      void navigate('/');
      notifySuccess(t('shell.switched', { name: next.tenant.name }));
    },
    onError: (error) => notifyError(error, t),
  });

  return (
    <Select
      {...props}
      aria-label={t('shell.switchTenant')}
      data={session.memberships.map((m) => ({
        value: m.tenant_id,
        label: `${m.tenant_name} · ${t(`roles.${m.role}`)}`,
      }))}
      value={session.tenant.id}
      onChange={(value) => {
        if (value !== null && value !== session.tenant.id) switchTenant.mutate(value);
      }}
      allowDeselect={false}
      disabled={switchTenant.isPending}
      w={260}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
