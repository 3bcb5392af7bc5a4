/** Inline feedback in the planning's forms: warnings and refusals. */
import { Alert, List } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { parseRules, refusalText } from './conflict.ts';
import type { Finding } from './types.ts';

export function WarningList({ warnings }: { warnings: readonly Finding[] }) {
  return (
    <List size="sm" spacing={2}>
      {warnings.map((w) => (
        <List.Item key={w.code + w.message}>{w.message}</List.Item>
      ))}
    </List>
  );
}

/** An inline alert for a refused change, in a form (conflict sentence, or each rule). */
export function RefusalAlert({ error, timeZone }: { error: unknown; timeZone: string }) {
  const { t } = useTranslation();
  const rules = parseRules(error);
  if (rules.length > 1) {
    return (
      <Alert color="red" role="alert" title={t('planning.rulesTitle')}>
        <List size="sm">
          {rules.map((r) => (
            <List.Item key={r.code + r.message}>{r.message}</List.Item>
          ))}
        </List>
      </Alert>
    );
  }
  return (
    <Alert color="red" role="alert">
      {refusalText(error, timeZone, t)}
    </Alert>
  );
}
