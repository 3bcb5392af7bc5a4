import { useState } from 'react';
import { DUAL_CONTROLS_BY_DEFAULT } from '../api/constants.gen.ts';
import { Anchor, Badge, Button, Card, Drawer, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Gearbox, type Vehicle, type VehicleKind, type VehicleStatus } from '../api/client.ts';
import { VEHICLES_KEY, vehicleListKey } from '../api/keys.ts';
import { useAgencyOptions } from '../api/resources.ts';
import { useCurrentSession } from '../api/session.ts';
import { ExpiryDate } from '../components/ExpiryDate.tsx';
import { FormError } from '../components/FormError.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { ResponsiveTable } from '../components/ResponsiveTable.tsx';
import { VEHICLE_WARNING_DAYS } from '../lib/expiry.ts';
import { optional } from '../lib/formErrors.ts';
import { LICENCE_CATEGORIES } from '../lib/licence.ts';
import { notifyStale, notifySuccess } from '../lib/notify.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { useCursorList } from '../lib/useCursorList.ts';
import { usePhone } from '../lib/usePhone.ts';
import { PageHeader } from '../shell/PageHeader.tsx';

const KINDS: readonly VehicleKind[] = ['car', 'simulator'];
const GEARBOXES: readonly Gearbox[] = ['manual', 'automatic'];
const STATUSES: readonly VehicleStatus[] = ['active', 'maintenance', 'retired'];
const STATUS_COLOR: Record<VehicleStatus, string> = { active: 'green', maintenance: 'orange', retired: 'gray' };

/** The drawer: closed, a new vehicle, or one being edited. */
type Editing = { mode: 'new' } | { mode: 'edit'; vehicle: Vehicle } | null;

/** /vehicules — ADMIN and SECRETARY manage, INSTRUCTOR reads (see nav.ts). */
export default function VehiclesPage() {
  const { t } = useTranslation();
  const { role } = useCurrentSession();
  const manage = role === 'ADMIN' || role === 'SECRETARY';
  const { names } = useAgencyOptions();
  const [status, setStatus] = useState<VehicleStatus | null>(null);
  const [editing, setEditing] = useState<Editing>(null);

  const vehicles = useCursorList(vehicleListKey(status), (cursor) =>
    unwrap(api.GET('/api/v1/vehicles', { params: { query: { limit: 200, cursor, ...(status ? { status } : {}) } } })),
  );

  return (
    <>
      <PageHeader
        title={t('vehicles.title')}
        actions={manage && <Button onClick={() => setEditing({ mode: 'new' })}>{t('vehicles.new')}</Button>}
      />
      <Card withBorder padding="lg">
        <Group mb="md">
          <Select
            label={t('vehicles.filterStatus')}
            placeholder={t('vehicles.filterAll')}
            data={STATUSES.map((s) => ({ value: s, label: t(`vehicles.statuses.${s}`) }))}
            value={status}
            onChange={(value) => setStatus(STATUSES.find((s) => s === value) ?? null)}
            clearable
            w={220}
          />
        </Group>
        <QueryView query={vehicles} empty={t('vehicles.empty')}>
          {(items) => (
            <ResponsiveTable
              rows={items}
              rowKey={(vehicle) => vehicle.id}
              rowProps={(vehicle) => ({ 'data-testid': `vehicle-${vehicle.plate}` })}
              minWidth={860}
              label={t('vehicles.title')}
              columns={[
                {
                  key: 'plate',
                  header: t('vehicles.plate'),
                  primary: true,
                  cell: (vehicle) =>
                    manage ? (
                      <Anchor
                        component="button"
                        type="button"
                        onClick={() => setEditing({ mode: 'edit', vehicle })}
                        aria-label={t('vehicles.editOf', { plate: vehicle.plate })}
                        fw={600}
                        style={{ whiteSpace: 'nowrap' }}
                      >
                        {vehicle.plate}
                      </Anchor>
                    ) : (
                      <Text span fw={600} style={{ whiteSpace: 'nowrap' }}>
                        {vehicle.plate}
                      </Text>
                    ),
                },
                { key: 'vehicle', header: t('vehicles.vehicle'), cell: (vehicle) => [vehicle.make, vehicle.model].filter(Boolean).join(' ') || t('common.none') },
                { key: 'kind', header: t('vehicles.kind'), cell: (vehicle) => t(`vehicles.kinds.${vehicle.kind}`) },
                { key: 'gearbox', header: t('vehicles.gearbox'), cell: (vehicle) => t(`vehicles.gearboxes.${vehicle.gearbox}`) },
                {
                  key: 'status',
                  header: t('vehicles.status'),
                  cell: (vehicle) => (
                    <Badge color={STATUS_COLOR[vehicle.status]} variant="light" style={{ minWidth: 'max-content' }}>
                      {t(`vehicles.statuses.${vehicle.status}`)}
                    </Badge>
                  ),
                },
                { key: 'agency', header: t('vehicles.agency'), cell: (vehicle) => names.get(vehicle.agency_id) ?? t('common.none') },
                {
                  key: 'inspection',
                  header: t('vehicles.inspection'),
                  cell: (vehicle) => <ExpiryDate date={vehicle.inspection_due_on} warningDays={VEHICLE_WARNING_DAYS} />,
                },
                {
                  key: 'insurance',
                  header: t('vehicles.insurance'),
                  cell: (vehicle) => <ExpiryDate date={vehicle.insurance_expires_on} warningDays={VEHICLE_WARNING_DAYS} />,
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
      {manage && <VehicleDrawer editing={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function VehicleDrawer({ editing, onClose }: { editing: Editing; onClose: () => void }) {
  const { t } = useTranslation();
  const phone = usePhone();
  const vehicle = editing?.mode === 'edit' ? editing.vehicle : undefined;
  return (
    <Drawer
      opened={editing !== null}
      onClose={onClose}
      position="right"
      size={phone ? '100%' : 'lg'}
      title={vehicle ? t('vehicles.editTitle', { plate: vehicle.plate }) : t('vehicles.newTitle')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {editing !== null && <VehicleForm key={vehicle ? `${vehicle.id}-${vehicle.version}` : 'new'} vehicle={vehicle} onDone={onClose} />}
    </Drawer>
  );
}

interface VehicleValues {
  kind: VehicleKind;
  plate: string;
  make: string;
  model: string;
  gearbox: Gearbox;
  category: string;
  dual_controls: boolean;
  agency_id: string | null;
  status: VehicleStatus;
  inspection_due_on: string;
  insurance_expires_on: string;
  mileage_km: number | string;
}

function toValues(vehicle: Vehicle | undefined, defaultAgency: string | null): VehicleValues {
  return {
    kind: vehicle?.kind ?? 'car',
    plate: vehicle?.plate ?? '',
    make: vehicle?.make ?? '',
    model: vehicle?.model ?? '',
    gearbox: vehicle?.gearbox ?? 'manual',
    category: vehicle?.category ?? 'B',
    dual_controls: vehicle?.dual_controls ?? DUAL_CONTROLS_BY_DEFAULT,
    agency_id: vehicle?.agency_id ?? defaultAgency,
    status: vehicle?.status ?? 'active',
    inspection_due_on: vehicle?.inspection_due_on ?? '',
    insurance_expires_on: vehicle?.insurance_expires_on ?? '',
    mileage_km: vehicle?.mileage_km ?? '',
  };
}

function toBody(values: VehicleValues) {
  return {
    kind: values.kind,
    plate: values.plate.trim(),
    make: optional(values.make),
    model: optional(values.model),
    gearbox: values.gearbox,
    category: values.category,
    dual_controls: values.dual_controls,
    ...(values.agency_id ? { agency_id: values.agency_id } : {}),
    status: values.status,
    inspection_due_on: values.inspection_due_on || null,
    insurance_expires_on: values.insurance_expires_on || null,
    mileage_km: values.mileage_km === '' ? null : Number(values.mileage_km),
  };
}

function VehicleForm({ vehicle, onDone }: { vehicle?: Vehicle; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { options: agencyOptions } = useAgencyOptions();
  const form = useForm<VehicleValues>({
    mode: 'controlled',
    initialValues: toValues(vehicle, agencyOptions[0]?.value ?? null),
    validate: {
      plate: (value) => (value.trim() === '' ? t('validation.required') : null),
    },
  });

  const save = useApiForm(form, {
    mutationFn: (body: ReturnType<typeof toBody>) =>
      vehicle
        ? unwrap(api.PATCH('/api/v1/vehicles/{id}', { params: { path: { id: vehicle.id } }, body: { ...body, version: vehicle.version } }))
        : unwrap(api.POST('/api/v1/vehicles', { body })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: VEHICLES_KEY });
      notifySuccess(t(vehicle ? 'vehicles.saved' : 'vehicles.created', { plate: saved.plate }));
      onDone();
    },
    onStale: () => {
      notifyStale(t('vehicles.stale'));
      void queryClient.invalidateQueries({ queryKey: VEHICLES_KEY });
      onDone();
    },
  });

  const kindOptions = KINDS.map((value) => ({ value, label: t(`vehicles.kinds.${value}`) }));
  const gearboxOptions = GEARBOXES.map((value) => ({ value, label: t(`vehicles.gearboxes.${value}`) }));
  const statusOptions = STATUSES.map((value) => ({ value, label: t(`vehicles.statuses.${value}`) }));

  return (
    <form onSubmit={save.onSubmit(toBody)} noValidate>
      <Stack gap="sm">
        <FormError error={save.failure} />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Select label={t('vehicles.form.kind')} data={kindOptions} allowDeselect={false} {...form.getInputProps('kind')} />
          <TextInput
            label={t('vehicles.form.plate')}
            description={t('vehicles.form.plateHint')}
            required
            autoComplete="off"
            {...form.getInputProps('plate')}
          />
          <TextInput label={t('vehicles.form.make')} autoComplete="off" {...form.getInputProps('make')} />
          <TextInput label={t('vehicles.form.model')} autoComplete="off" {...form.getInputProps('model')} />
          <Select label={t('vehicles.form.gearbox')} data={gearboxOptions} allowDeselect={false} {...form.getInputProps('gearbox')} />
          <Select label={t('vehicles.form.category')} data={[...LICENCE_CATEGORIES]} allowDeselect={false} {...form.getInputProps('category')} />
          <Select
            label={t('vehicles.form.agency')}
            placeholder={t('common.firstAgency')}
            data={agencyOptions}
            allowDeselect={false}
            {...form.getInputProps('agency_id')}
          />
          <Select label={t('vehicles.form.status')} data={statusOptions} allowDeselect={false} {...form.getInputProps('status')} />
          <TextInput
            type="date"
            label={t('vehicles.form.inspection')}
            description={t('vehicles.form.inspectionHint')}
            {...form.getInputProps('inspection_due_on')}
          />
          <TextInput type="date" label={t('vehicles.form.insurance')} {...form.getInputProps('insurance_expires_on')} />
          <NumberInput
            label={t('vehicles.form.mileage')}
            min={0}
            allowDecimal={false}
            allowNegative={false}
            thousandSeparator=" "
            {...form.getInputProps('mileage_km')}
          />
        </SimpleGrid>
        <Switch label={t('vehicles.form.dualControls')} {...form.getInputProps('dual_controls', { type: 'checkbox' })} />
        <Group justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
