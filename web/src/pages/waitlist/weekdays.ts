import { useTranslation } from 'react-i18next';
import { WEEKDAY_KEYS } from '../../lib/useWeekdayNames.ts';

/** "lun.", "mar."… Monday first (index 0 = weekday 1). */
export function useShortWeekdays(): string[] {
  const { t } = useTranslation();
  return WEEKDAY_KEYS.map((key) => t(`waitlist.weekdaysShort.${key}`));
}
