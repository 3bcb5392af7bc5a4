import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { daysUntil, EXPIRY_COLOR, expiryLevel } from '../lib/expiry.ts';
import { formatCalendarDate } from '../lib/format.ts';
import { todayIn } from '../lib/zonedTime.ts';

/**
 * A due date, red once past and orange within `warningDays`; the state is also written out ("dépassée",
 * "dans 12 jours") so that it does not rest on colour alone.
 */
export function ExpiryDate({ date, warningDays }: { date: string | null | undefined; warningDays: number }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const today = todayIn(zone);
  const level = expiryLevel(date, today, warningDays);
  if (!date || level === null) {
    return (
      <Text span c="dimmed">
        {t('expiry.none')}
      </Text>
    );
  }
  const days = daysUntil(date, today) ?? 0;
  const note =
    level === 'expired' ? t('expiry.expired') : level === 'soon' ? (days === 0 ? t('expiry.today') : t('expiry.inDays', { count: days })) : null;
  return (
    <Text span c={EXPIRY_COLOR[level]} fw={level === 'ok' ? undefined : 600} data-expiry={level}>
      <span style={{ whiteSpace: 'nowrap' }}>{formatCalendarDate(date)}</span>
      {note !== null && (
        <>
          {' '}
          <span style={{ whiteSpace: 'nowrap' }}>({note})</span>
        </>
      )}
    </Text>
  );
}
