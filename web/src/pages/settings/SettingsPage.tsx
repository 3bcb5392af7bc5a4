import { ActionIcon, Anchor, Button, ColorInput, Group, NativeSelect, NumberInput, Radio, SegmentedControl, SimpleGrid, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { EXAM_SCORES } from '../../api/constants.gen.ts';
import { SETTINGS_KEY } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { WeekGridEditor } from '../../components/WeekGridEditor.tsx';
import { contrast } from '../../lib/contrast.ts';
import { notifyStale, notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { gridFromWeekly, useWeekGridErrors } from '../../lib/weekly.ts';
import { PageHeader } from '../../shell/PageHeader.tsx';
import { PlanningSettings } from './PlanningSettings.tsx';
import { SitePreview } from './SitePreview.tsx';
import { siteAddress } from './site.ts';

export type SchoolSettings = ResponseBody<'/api/v1/settings', 'get', 200>;
type RuleMode = SchoolSettings['ants_rule'];
type LevelKey = keyof SchoolSettings['booklet_labels'];

const LEVELS: readonly LevelKey[] = ['non_aborde', 'aborde', 'traite', 'assimile'];
const TWO_FACTOR_RULES: readonly SchoolSettings['two_factor'][] = ['optional', 'admins', 'office'];
/** The school's colour as the band of its e-mails, under white text. */
const MAIL_COLOURS = ['#1971c2', '#237032', '#c92a2a', '#862e9c', '#b54708', '#0b7285', '#343a40'];
const HEX = /^#[0-9a-f]{6}$/i;
const SITE_TEMPLATES = ['classique', 'moderne', 'sobre'] as const;
const SITE_HEADLINE_MAX = 120;
const SITE_INTRO_MAX = 600;
/** /reglages — the school's settings (ADMIN). The server validates every field; its messages land on the fields. */
export default function SettingsPage() {
  const { t } = useTranslation();
  const settings = useQuery({ queryKey: SETTINGS_KEY, queryFn: () => unwrap(api.GET('/api/v1/settings')) });
  return (
    <>
      <PageHeader title={t('schoolSettings.title')} intro={t('schoolSettings.intro')} />
      <QueryView query={settings}>
        {/* Keyed by version: a newer version from the server (after a 412 or a save) starts the form afresh; a
            refetch of the same version (window focus) leaves the edits in progress alone. */}
        {(data) => <SettingsForm key={data.version} current={data} />}
      </QueryView>
    </>
  );
}

function SettingsForm({ current }: { current: SchoolSettings }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useForm<SchoolSettings>({ initialValues: current });
  const session = useCurrentSession();
  const siteUrl = siteAddress(session.tenant);
  // The opening hours are edited as a week grid (ranges being typed included), sent as a list.
  const [opening, setOpening] = useState(() => gridFromWeekly(current.opening_hours));
  const openingErrors = useWeekGridErrors('opening_hours');

  const save = useApiForm(form, {
    mutationFn: (values: SchoolSettings) => unwrap(api.PUT('/api/v1/settings', { body: { ...values, version: current.version } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(SETTINGS_KEY, saved);
      notifySuccess(t('schoolSettings.saved'));
    },
    onError: openingErrors.showRefusal,
    onStale: () => {
      notifyStale(t('schoolSettings.stale'));
      void queryClient.invalidateQueries({ queryKey: SETTINGS_KEY });
    },
  });
  // The minimum co-financing is typed in euros (the API counts cents).
  const [coFinancing, setCoFinancing] = useState<number | string>(current.cpf.min_co_financing_cents / 100);
  const submit = save.onSubmit((values) => {
    // A measured trip needs its two meeting points (the server would refuse it).
    const incomplete = values.planning.measured_legs.flatMap((leg, index) => (leg.from && leg.to ? [] : [index]));
    if (incomplete.length > 0) {
      for (const index of incomplete) {
        const leg = values.planning.measured_legs[index];
        if (!leg?.from) form.setFieldError(`planning.measured_legs.${String(index)}.from`, t('validation.required'));
        if (!leg?.to) form.setFieldError(`planning.measured_legs.${String(index)}.to`, t('validation.required'));
      }
      return null;
    }
    const weekly = openingErrors.toWeekly(opening);
    const cpf = { ...values.cpf, min_co_financing_cents: Math.round(Number(coFinancing || 0) * 100) };
    return weekly ? { ...values, cpf, opening_hours: weekly } : null;
  });

  /** A whole number of days (0 to a year), or a practical test's score (its scale comes from the server's rules). */
  const days = (field: string, label: string, w?: number) => (
    <NumberInput label={label} min={0} max={365} allowDecimal={false} w={w} {...form.getInputProps(field)} />
  );
  const score = (field: string, label: string) => (
    <NumberInput label={label} min={0} max={EXAM_SCORES.practical.max} allowDecimal={false} w={110} {...form.getInputProps(field)} />
  );
  const bands = form.values.exams.waiting_bands;
  const bandsError = form.errors['exams.waiting_bands'];
  // The server names the pair (`notifications.quiet_hours`), not one of its two times.
  const quietError = form.errors['notifications.quiet_hours'];

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="lg">
        <FormError error={save.failure} />
        <SectionCard title={t('schoolSettings.lessons')}>
          <Stack>
            <NumberInput
              label={t('schoolSettings.lateCancelHours')}
              description={t('schoolSettings.lateCancelHoursHelp')}
              min={0}
              max={168}
              allowDecimal={false}
              {...form.getInputProps('late_cancel_hours')}
            />
            <Switch label={t('schoolSettings.chargeLate')} {...form.getInputProps('charge_late_cancellations', { type: 'checkbox' })} />
          </Stack>
        </SectionCard>

        <PlanningSettings form={form} />

        <SectionCard title={t('schoolSettings.security')}>
          <Radio.Group
            label={t('schoolSettings.twoFactor')}
            description={t('schoolSettings.twoFactorHelp')}
            value={form.values.two_factor}
            onChange={(value) => form.setFieldValue('two_factor', value)}
          >
            <Stack gap="xs" mt="xs">
              {TWO_FACTOR_RULES.map((rule) => (
                <Radio key={rule} value={rule} label={t(`schoolSettings.twoFactorRules.${rule}`)} />
              ))}
            </Stack>
          </Radio.Group>
        </SectionCard>

        <SectionCard title={t('schoolSettings.rules')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <RuleSwitch id="ants-rule" label={t('schoolSettings.antsRule')} value={form.values.ants_rule} onChange={(v) => form.setFieldValue('ants_rule', v)} />
            <RuleSwitch
              id="booklet-rule"
              label={t('schoolSettings.bookletRule')}
              value={form.values.booklet_rule}
              onChange={(v) => form.setFieldValue('booklet_rule', v)}
            />
          </SimpleGrid>
        </SectionCard>

        <SectionCard title={t('schoolSettings.exams')}>
          <Stack>
            <Text fw={500} size="sm">
              {t('schoolSettings.bands')}
            </Text>
            {bands.map((_, index) => (
              <Group key={index} align="flex-end" wrap="wrap">
                {score(`exams.waiting_bands.${index}.min_score`, t('schoolSettings.bandMin'))}
                {score(`exams.waiting_bands.${index}.max_score`, t('schoolSettings.bandMax'))}
                {days(`exams.waiting_bands.${index}.days`, t('schoolSettings.bandDays'), 130)}
                <ActionIcon
                  variant="subtle"
                  color="red.9"
                  size="lg"
                  aria-label={t('schoolSettings.removeBand', { index: index + 1 })}
                  onClick={() => form.removeListItem('exams.waiting_bands', index)}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
            {bandsError && (
              <Text c="red.9" size="sm" role="alert">
                {bandsError}
              </Text>
            )}
            <Group>
              <Button variant="default" onClick={() => form.insertListItem('exams.waiting_bands', { min_score: 0, max_score: 0, days: 0 })}>
                {t('schoolSettings.addBand')}
              </Button>
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {days('exams.unknown_score_days', t('schoolSettings.unknownScoreDays'))}
              {days('exams.absence_days', t('schoolSettings.absenceDays'))}
              {days('exams.late_cancellation_days', t('schoolSettings.lateCancellationDays'))}
              {days('exams.late_cancellation_notice_days', t('schoolSettings.lateCancellationNoticeDays'))}
            </SimpleGrid>
          </Stack>
        </SectionCard>

        <SectionCard title={t('schoolSettings.labels')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {LEVELS.map((level, index) => (
              <TextInput key={level} label={t('schoolSettings.level', { n: index + 1 })} maxLength={40} {...form.getInputProps(`booklet_labels.${level}`)} />
            ))}
          </SimpleGrid>
        </SectionCard>

        <SectionCard title={t('schoolSettings.alerts')}>
          <NumberInput label={t('schoolSettings.lowHours')} min={0} max={6000} step={30} allowDecimal={false} {...form.getInputProps('alerts.low_hours_minutes')} />
        </SectionCard>

        <SectionCard title={t('schoolSettings.notifications')} hint={t('schoolSettings.notificationsHint')}>
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <NumberInput
                label={t('schoolSettings.reminderHours')}
                description={t('schoolSettings.reminderHoursHelp')}
                min={0}
                max={168}
                allowDecimal={false}
                {...form.getInputProps('notifications.reminder_hours')}
              />
              <ColorInput
                label={t('schoolSettings.mailColour')}
                description={t('schoolSettings.mailColourHelp')}
                format="hex"
                swatches={MAIL_COLOURS}
                withEyeDropper={false}
                {...form.getInputProps('notifications.colour')}
              />
            </SimpleGrid>
            {HEX.test(form.values.notifications.colour) && contrast(form.values.notifications.colour, '#ffffff') < 4.5 && (
              <Text c="orange.9" size="sm" role="status">
                {t('schoolSettings.mailColourLight')}
              </Text>
            )}
            <div>
              <Text fw={500} size="sm" id="quiet-hours-label">
                {t('schoolSettings.quietHours')}
              </Text>
              <Text size="sm" c="dimmed" id="quiet-hours-help">
                {t('schoolSettings.quietHoursHelp')}
              </Text>
              <Group mt="xs" align="flex-start" role="group" aria-labelledby="quiet-hours-label" aria-describedby="quiet-hours-help">
                <TextInput type="time" label={t('schoolSettings.quietStart')} w={210} {...form.getInputProps('notifications.quiet_hours.start')} />
                <TextInput type="time" label={t('schoolSettings.quietEnd')} w={210} {...form.getInputProps('notifications.quiet_hours.end')} />
              </Group>
              {quietError && (
                <Text c="red.9" size="sm" role="alert" mt={4}>
                  {quietError}
                </Text>
              )}
            </div>
          </Stack>
        </SectionCard>

        <SectionCard title={t('schoolSettings.billing')} hint={t('schoolSettings.billingHint')}>
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t('schoolSettings.legalForm')}
                description={t('schoolSettings.legalFormHelp')}
                maxLength={80}
                autoComplete="off"
                {...form.getInputProps('billing.legal_form')}
              />
              <TextInput
                label={t('schoolSettings.vatNumber')}
                description={t('schoolSettings.vatNumberHelp')}
                maxLength={20}
                autoComplete="off"
                {...form.getInputProps('billing.vat_number')}
              />
            </SimpleGrid>
            <Textarea
              label={t('schoolSettings.paymentTerms')}
              description={t('schoolSettings.paymentTermsHelp')}
              required
              rows={2}
              maxLength={300}
              {...form.getInputProps('billing.payment_terms')}
            />
            <Switch
              label={t('schoolSettings.blockBeyondContract')}
              description={t('schoolSettings.blockBeyondContractHelp')}
              {...form.getInputProps('billing.block_sale_beyond_contract', { type: 'checkbox' })}
            />
          </Stack>
        </SectionCard>

        <SectionCard title={t('schoolSettings.cpf')} hint={t('schoolSettings.cpfHint')}>
          <Stack>
            <div>
              <Text fw={500} size="sm" id="cpf-days-label">
                {t('schoolSettings.cpfDays')}
              </Text>
              <Text size="sm" c="dimmed" id="cpf-days-help">
                {t('schoolSettings.cpfDaysHelp')}
              </Text>
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" role="group" aria-labelledby="cpf-days-label" aria-describedby="cpf-days-help">
                {days('cpf.submitted_days', t('schoolSettings.cpfSubmittedDays'))}
                {days('cpf.accepted_days', t('schoolSettings.cpfAcceptedDays'))}
                {days('cpf.in_training_days', t('schoolSettings.cpfInTrainingDays'))}
                {days('cpf.service_done_days', t('schoolSettings.cpfServiceDoneDays'))}
                {days('cpf.invoiced_days', t('schoolSettings.cpfInvoicedDays'))}
              </SimpleGrid>
            </div>
            <NumberInput
              label={t('schoolSettings.cpfMinCoFinancing')}
              description={t('schoolSettings.cpfMinCoFinancingHelp')}
              min={0}
              max={100_000}
              decimalScale={2}
              decimalSeparator=","
              allowNegative={false}
              value={coFinancing}
              onChange={setCoFinancing}
              error={form.errors['cpf.min_co_financing_cents']}
            />
          </Stack>
        </SectionCard>

        <SectionCard title={t('schoolSettings.site.title')} hint={t('schoolSettings.site.hint')} data-testid="site-settings">
          <Stack>
            <Switch
              label={t('schoolSettings.site.published')}
              description={t('schoolSettings.site.publishedHelp')}
              {...form.getInputProps('site.published', { type: 'checkbox' })}
            />
            {current.site.published && siteUrl && (
              <Text size="sm">
                <Anchor href={siteUrl} target="_blank" rel="noopener noreferrer" data-testid="site-link">
                  {t('schoolSettings.site.view')}
                </Anchor>
              </Text>
            )}
            <NativeSelect
              label={t('schoolSettings.site.template')}
              description={t('schoolSettings.site.templateHelp')}
              data={SITE_TEMPLATES.map((value) => ({ value, label: t(`schoolSettings.site.templates.${value}`) }))}
              {...form.getInputProps('site.template')}
            />
            <TextInput
              label={t('schoolSettings.site.headline')}
              description={t('schoolSettings.site.headlineHelp', { school: session.tenant.name })}
              maxLength={SITE_HEADLINE_MAX}
              autoComplete="off"
              {...form.getInputProps('site.headline')}
            />
            <Textarea
              label={t('schoolSettings.site.intro')}
              description={t('schoolSettings.site.introCount', { count: form.values.site.intro.length, max: SITE_INTRO_MAX })}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              rows={4}
              maxLength={SITE_INTRO_MAX}
              {...form.getInputProps('site.intro')}
            />
            <TextInput
              type="email"
              label={t('schoolSettings.site.email')}
              description={t('schoolSettings.site.emailHelp')}
              autoComplete="off"
              maxLength={254}
              {...form.getInputProps('site.email')}
            />
            <SitePreview site={form.values.site} />
          </Stack>
        </SectionCard>

        <SectionCard title={t('schoolSettings.opening')} hint={t('schoolSettings.openingHint')}>
          <WeekGridEditor
            value={opening}
            onChange={(grid) => {
              setOpening(grid);
              openingErrors.clear();
            }}
            errors={openingErrors.errors}
            emptyLabel={t('schoolSettings.closed')}
          />
        </SectionCard>

        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            {t('schoolSettings.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Refuse or only warn: one rule's switch, named by the text above it. */
function RuleSwitch({ id, label, value, onChange }: { id: string; label: string; value: RuleMode; onChange: (value: RuleMode) => void }) {
  const { t } = useTranslation();
  const options = [
    { value: 'block', label: t('schoolSettings.block') },
    { value: 'warn', label: t('schoolSettings.warn') },
  ];
  return (
    <Stack gap={4}>
      <Text component="span" id={`${id}-label`} fw={500} size="sm">
        {label}
      </Text>
      <SegmentedControl aria-labelledby={`${id}-label`} data={options} value={value} onChange={(v) => onChange(v as RuleMode)} />
    </Stack>
  );
}
