import { Accordion, Alert, Badge, Button, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LEVELS, useBooklet, type Booklet, type Level } from './api.ts';
import { clampPercent, countSelected, levelLabel, levelsAfter, progressOf, toggleLevel, LEVEL_STYLE, type Selections } from './levels.ts';

export interface QuickEvaluationsProps {
  studentId: string;
  value: Selections;
  onChange: (next: Selections) => void;
}

/**
 * The booklet part of a lesson completion: the competencies as an accordion, and for each item four big level
 * buttons (aria-pressed) to tap for the items worked. The chosen levels are posted with the completion.
 */
export function QuickEvaluations({ studentId, value, onChange }: QuickEvaluationsProps) {
  const { t } = useTranslation();
  const booklet = useBooklet(studentId);
  const count = Object.keys(value).length;

  return (
    <Stack gap="xs" data-testid="quick-evaluations">
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <Title order={4} size="h5">
          {t('booklet.quick.title')}
        </Title>
        {count > 0 && (
          <Button variant="subtle" size="compact-sm" onClick={() => onChange({})} style={{ flexShrink: 0 }}>
            {t('booklet.quick.clear')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('booklet.quick.hint')}
      </Text>
      {booklet.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
      {booklet.isError && (
        <Alert color="yellow" role="status">
          {t('booklet.quick.loadFailed')}
        </Alert>
      )}
      {booklet.data && <QuickList booklet={booklet.data} value={value} onChange={onChange} />}
      <Text size="sm" fw={600} role="status" aria-live="polite" data-testid="quick-count">
        {count === 0 ? t('booklet.quick.none') : t('booklet.quick.selected', { count })}
        {booklet.data && count > 0 && ` · ${t('booklet.quick.preview', { value: clampPercent(progressOf(levelsAfter(booklet.data, value))) })}`}
      </Text>
    </Stack>
  );
}

function QuickList({ booklet, value, onChange }: { booklet: Booklet; value: Selections; onChange: (next: Selections) => void }) {
  const { t } = useTranslation();
  const label = (level: Level) => levelLabel(level, booklet.labels, t);
  return (
    <Accordion variant="separated" multiple chevronPosition="right">
      {booklet.competencies.map((competency) => {
        const selected = countSelected(
          value,
          competency.items.map((i) => i.code),
        );
        return (
          <Accordion.Item key={competency.code} value={competency.code}>
            <Accordion.Control>
              <Group gap="xs" wrap="nowrap" justify="space-between">
                <Text size="sm" fw={600}>
                  {competency.code} · {competency.title}
                </Text>
                {selected > 0 && (
                  <Badge variant="filled" color="blue.8" style={{ minWidth: 'max-content' }}>
                    {t('booklet.quick.selected', { count: selected })}
                  </Badge>
                )}
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Stack gap="md">
                {competency.items.map((item) => {
                  const chosen = value[item.code];
                  return (
                    <div
                      key={item.code}
                      role="group"
                      aria-label={t('booklet.quick.itemGroup', { code: item.code, title: item.title })}
                      data-testid={`quick-item-${item.code}`}
                    >
                      <Text size="sm" mb={4}>
                        <Text span fw={700} mr={6}>
                          {item.code}
                        </Text>
                        {item.title}{' '}
                        <Text span size="xs" c="dimmed">
                          ({t('booklet.quick.current', { level: label(item.level) })})
                        </Text>
                      </Text>
                      <SimpleGrid cols={{ base: 2, xs: 4 }} spacing={6} verticalSpacing={6}>
                        {LEVELS.map((level) => {
                          const pressed = chosen === level;
                          return (
                            <Button
                              key={level}
                              type="button"
                              variant={pressed ? 'filled' : 'default'}
                              color={pressed ? LEVEL_STYLE[level].color : undefined}
                              aria-pressed={pressed}
                              aria-label={t('booklet.quick.levelButton', { level: label(level), code: item.code })}
                              onClick={() => onChange(toggleLevel(value, item.code, level))}
                              mih={44}
                              h="auto"
                              px={6}
                              py={6}
                              styles={{ label: { whiteSpace: 'normal', textAlign: 'center', lineHeight: 1.2 } }}
                            >
                              {label(level)}
                            </Button>
                          );
                        })}
                      </SimpleGrid>
                    </div>
                  );
                })}
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        );
      })}
    </Accordion>
  );
}
