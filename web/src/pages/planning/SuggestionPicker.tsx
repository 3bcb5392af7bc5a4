/**
 * "Proposer des créneaux" in the office's lesson form: the student's free driving slots of the next two weeks (every
 * rule of the planning checked by the server), one click filling the form's times, instructor, car and meeting point;
 * "Enregistrer" then books it like any lesson.
 */
import { Alert, Badge, Button, Group, Loader, Stack, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../../shell/LoadError.tsx';
import { useSuggestions, type Suggestion } from '../waitlist/api.ts';
import { WarningList } from './FeedbackAlerts.tsx';
import { formatSpan } from './time.ts';

const COUNT = 8;

export interface SuggestionPickerProps {
  studentId: string;
  timeZone: string;
  onPick: (suggestion: Suggestion) => void;
  /** Whether the form holds this suggestion now (its button is then pressed). */
  isPicked: (suggestion: Suggestion) => boolean;
}

export function SuggestionPicker({ studentId, timeZone, onPick, isPicked }: SuggestionPickerProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const titleId = useId();
  const suggestions = useSuggestions(studentId, COUNT, open);
  const list = suggestions.data ?? [];
  // What the server says about the student (no contract…) is the same for every slot: said once.
  const studentWarnings = [...new Map(list.flatMap((s) => s.warnings).map((w) => [w.code + w.message, w])).values()];

  return (
    <Stack gap="xs">
      <Group>
        <Button variant="light" size="sm" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
          {open ? t('planning.suggest.hide') : t('planning.suggest.open')}
        </Button>
      </Group>
      {open && (
        <Stack gap="xs" id={panelId} role="group" aria-labelledby={titleId} data-testid="lesson-suggestions">
          <div>
            <Text id={titleId} fw={600} size="sm">
              {t('planning.suggest.title')}
            </Text>
            <Text size="sm" c="dimmed">
              {t('planning.suggest.hint')}
            </Text>
          </div>
          {suggestions.isPending ? (
            <Group gap="xs">
              <Loader size="xs" />
              <Text size="sm">{t('app.loading')}</Text>
            </Group>
          ) : suggestions.isError ? (
            <LoadError error={suggestions.error} onRetry={() => void suggestions.refetch()} />
          ) : list.length === 0 ? (
            <Text size="sm" c="dimmed" role="status">
              {t('planning.suggest.empty')}
            </Text>
          ) : (
            <>
              {studentWarnings.length > 0 && (
                <Alert color="yellow" title={t('planning.suggest.studentWarnings')}>
                  <WarningList warnings={studentWarnings} />
                </Alert>
              )}
              <Stack component="ul" gap={6} aria-label={t('planning.suggest.list')} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                {list.map((s) => {
                  const picked = isPicked(s);
                  return (
                    <li key={`${s.starts_at}-${s.instructor_id}-${s.vehicle_id}`}>
                      <UnstyledButton
                        onClick={() => onPick(s)}
                        aria-pressed={picked}
                        data-testid="lesson-suggestion"
                        w="100%"
                        p="xs"
                        style={{
                          borderRadius: 'var(--mantine-radius-sm)',
                          border: `1px solid ${picked ? 'var(--mantine-primary-color-filled)' : 'var(--mantine-color-default-border)'}`,
                          background: picked ? 'var(--mantine-primary-color-light)' : undefined,
                        }}
                      >
                        <Group justify="space-between" gap="xs" wrap="wrap">
                          <Stack gap={0} style={{ minWidth: 0 }}>
                            <VisuallyHidden>{t('planning.suggest.choose')}</VisuallyHidden>
                            <Text size="sm" fw={600}>
                              {formatSpan(s.starts_at, s.ends_at, timeZone)}
                            </Text>
                            <Text size="sm">{[s.instructor_name, s.vehicle_plate, s.meeting_point].filter(Boolean).join(' · ')}</Text>
                          </Stack>
                          <Group gap={4}>
                            {s.referent && (
                              <Badge variant="light" color="teal" style={{ minWidth: 'max-content' }}>
                                {t('planning.suggest.referent')}
                              </Badge>
                            )}
                            {picked && (
                              <Badge variant="filled" style={{ minWidth: 'max-content' }}>
                                {t('planning.suggest.chosen')}
                              </Badge>
                            )}
                          </Group>
                        </Group>
                      </UnstyledButton>
                    </li>
                  );
                })}
              </Stack>
            </>
          )}
        </Stack>
      )}
    </Stack>
  );
}
