/** How the planning tells the office what the server said: conflicts, refusing rules, warnings. */
import { List } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { isStale } from '../../lib/formErrors.ts';
import { notifyStale } from '../../lib/notify.ts';
import { parseRules, refusalText } from './conflict.ts';
import type { Finding } from './types.ts';
import { WarningList } from './FeedbackAlerts.tsx';

/** A red notification for a refused planning change; 412 is orange (someone else changed it). */
export function notifyRefusal(error: unknown, timeZone: string, t: TFunction): void {
  if (isStale(error)) {
    notifyStale(t('planning.stale'));
    return;
  }
  const rules = parseRules(error);
  if (rules.length > 1) {
    notifications.show({
      color: 'red',
      title: t('planning.rulesTitle'),
      message: (
        <List size="sm">
          {rules.map((r) => (
            <List.Item key={r.code + r.message}>{r.message}</List.Item>
          ))}
        </List>
      ),
      autoClose: 12000,
    });
    return;
  }
  notifications.show({ color: 'red', message: refusalText(error, timeZone, t), autoClose: 12000 });
}

/** A yellow notification listing the warnings saved with a lesson (outside availability, holiday…). */
export function notifyWarnings(warnings: readonly Finding[], t: TFunction): void {
  if (warnings.length === 0) return;
  notifications.show({
    color: 'yellow',
    title: t('planning.warningsTitle'),
    message: <WarningList warnings={warnings} />,
    autoClose: 10000,
  });
}
