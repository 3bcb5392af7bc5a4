import { useTranslation } from 'react-i18next';

export const WEEKDAY_KEYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** French day names, Monday first (index 0 = weekday 1). */
export function useWeekdayNames(): string[] {
  const { t } = useTranslation();
  return WEEKDAY_KEYS.map((key) => t(`weekdays.${key}`));
}
