/**
 * "Planning intelligent" of the school's settings: the travel-time rule and its estimate (detour, speed, the trips the
 * school measured), the waitlist's offers (answer time, how many students) and the students' own booking.
 */
import { ActionIcon, Button, Group, NumberInput, Radio, Select, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useAgencies } from '../../api/resources.ts';
import { SectionCard } from '../../components/SectionCard.tsx';
import type { SchoolSettings } from './SettingsPage.tsx';

type TravelRule = SchoolSettings['planning']['travel_rule'];
const TRAVEL_RULES: readonly TravelRule[] = ['warn', 'block'];

/** Every saved meeting point of the school, as options ("Tours Centre — Gare de Tours"). */
function useMeetingPointOptions() {
  const agencies = useAgencies();
  return (agencies.data ?? []).flatMap((agency) =>
    agency.meeting_points.flatMap((point) => (point.id ? [{ value: point.id, label: `${agency.name} — ${point.label}` }] : [])),
  );
}

export function PlanningSettings({ form }: { form: UseFormReturnType<SchoolSettings> }) {
  const { t } = useTranslation();
  const points = useMeetingPointOptions();
  const legsLabelId = useId();
  const legsHelpId = useId();
  const legs = form.values.planning.measured_legs;
  const legsError = form.errors['planning.measured_legs'];
  // A leg naming a point since removed keeps a readable option.
  const optionsWith = (id: string) => (id && !points.some((p) => p.value === id) ? [...points, { value: id, label: t('schoolSettings.planning.unknownPoint') }] : points);
  const number = (field: keyof SchoolSettings['planning'], min: number, max: number) => ({
    min,
    max,
    allowDecimal: false,
    allowNegative: false,
    ...form.getInputProps(`planning.${field}`),
  });

  return (
    <SectionCard title={t('schoolSettings.planning.title')} hint={t('schoolSettings.planning.hint')} data-testid="planning-settings">
      <Stack>
        <Radio.Group
          label={t('schoolSettings.planning.travelRule')}
          description={t('schoolSettings.planning.travelRuleHelp')}
          value={form.values.planning.travel_rule}
          onChange={(value) => form.setFieldValue('planning.travel_rule', value === 'block' ? 'block' : 'warn')}
          error={form.errors['planning.travel_rule']}
        >
          <Stack gap="xs" mt="xs">
            {TRAVEL_RULES.map((rule) => (
              <Radio key={rule} value={rule} label={t(`schoolSettings.planning.travelRules.${rule}`)} />
            ))}
          </Stack>
        </Radio.Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput label={t('schoolSettings.planning.detourPercent')} description={t('schoolSettings.planning.detourPercentHelp')} {...number('detour_percent', 100, 300)} />
          <NumberInput label={t('schoolSettings.planning.speed')} description={t('schoolSettings.planning.speedHelp')} {...number('speed_kmh', 5, 130)} />
          <NumberInput label={t('schoolSettings.planning.offerHours')} description={t('schoolSettings.planning.offerHoursHelp')} {...number('offer_hours', 1, 168)} />
          <NumberInput label={t('schoolSettings.planning.maxOffers')} description={t('schoolSettings.planning.maxOffersHelp')} {...number('max_offers', 1, 100)} />
          <NumberInput
            label={t('schoolSettings.planning.lessonMinutes')}
            description={t('schoolSettings.planning.lessonMinutesHelp')}
            step={15}
            {...number('lesson_minutes', 30, 240)}
          />
        </SimpleGrid>
        <Switch
          label={t('schoolSettings.planning.selfBooking')}
          description={t('schoolSettings.planning.selfBookingHelp')}
          {...form.getInputProps('planning.student_self_booking', { type: 'checkbox' })}
        />

        <Stack gap="xs" role="group" aria-labelledby={legsLabelId} aria-describedby={legsHelpId}>
          <div>
            <Text fw={500} size="sm" id={legsLabelId}>
              {t('schoolSettings.planning.legs')}
            </Text>
            <Text size="sm" c="dimmed" id={legsHelpId}>
              {t('schoolSettings.planning.legsHelp')}
            </Text>
          </div>
          {legs.length === 0 && <Text c="dimmed">{t('schoolSettings.planning.noLegs')}</Text>}
          {legs.map((leg, index) => {
            const n = index + 1;
            return (
              <Group key={index} align="flex-end" gap="sm" wrap="wrap" data-testid="measured-leg">
                <Select
                  label={t('schoolSettings.planning.legFrom')}
                  aria-label={t('schoolSettings.planning.legFromOf', { n })}
                  placeholder={t('schoolSettings.planning.pointPlaceholder')}
                  data={optionsWith(leg.from)}
                  searchable
                  required
                  style={{ flex: '1 1 14rem' }}
                  {...form.getInputProps(`planning.measured_legs.${index}.from`)}
                />
                <Select
                  label={t('schoolSettings.planning.legTo')}
                  aria-label={t('schoolSettings.planning.legToOf', { n })}
                  placeholder={t('schoolSettings.planning.pointPlaceholder')}
                  data={optionsWith(leg.to)}
                  searchable
                  required
                  style={{ flex: '1 1 14rem' }}
                  {...form.getInputProps(`planning.measured_legs.${index}.to`)}
                />
                <NumberInput
                  label={t('schoolSettings.planning.legMinutes')}
                  aria-label={t('schoolSettings.planning.legMinutesOf', { n })}
                  min={1}
                  max={600}
                  allowDecimal={false}
                  allowNegative={false}
                  w={110}
                  {...form.getInputProps(`planning.measured_legs.${index}.minutes`)}
                />
                <ActionIcon
                  variant="subtle"
                  color="red.9"
                  size="lg"
                  mb={4}
                  aria-label={t('schoolSettings.planning.removeLeg', { n })}
                  title={t('schoolSettings.planning.removeLeg', { n })}
                  onClick={() => form.removeListItem('planning.measured_legs', index)}
                >
                  <span aria-hidden="true">✕</span>
                </ActionIcon>
              </Group>
            );
          })}
          {legsError && (
            <Text c="red.9" size="sm" role="alert">
              {legsError}
            </Text>
          )}
          {points.length < 2 ? (
            <Text size="sm" c="dimmed">
              {t('schoolSettings.planning.noPoints')}
            </Text>
          ) : (
            <Group>
              <Button variant="default" onClick={() => form.insertListItem('planning.measured_legs', { from: '', to: '', minutes: 10 })}>
                + {t('schoolSettings.planning.addLeg')}
              </Button>
            </Group>
          )}
        </Stack>
      </Stack>
    </SectionCard>
  );
}
