/** The one-line summary of a technical event, read from its `detail` (whose shape depends on its kind). */
import type { TFunction } from 'i18next';
import { formatCalendarDate } from '../../lib/format.ts';
import type { TechnicalEvent } from './api.ts';

const PERIODS = ['day', 'month', 'year'] as const;
type Period = (typeof PERIODS)[number];

const text = (detail: Record<string, unknown>, key: string): string | null => {
  const value = detail[key];
  return typeof value === 'string' && value !== '' ? value : null;
};
const integer = (detail: Record<string, unknown>, key: string): number | null => {
  const value = detail[key];
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
};

/** "Journée du 06/12/2026 · chaîne intacte", "Archive de l’année 2026", "L’horloge a avancé de 3 600 secondes"… or null. */
export function eventSummary(event: Pick<TechnicalEvent, 'kind' | 'detail'>, t: TFunction): string | null {
  const detail: Record<string, unknown> = event.detail;
  switch (event.kind) {
    case 'closure':
      return closureSummary(detail, t);
    case 'archive':
    case 'export': {
      const year = integer(detail, 'year');
      return year === null ? null : t(`compliance.journal.summary.${event.kind}`, { year: String(year) });
    }
    case 'clock_jump': {
      const drift = integer(detail, 'drift_seconds');
      if (drift === null) return null;
      const count = Math.abs(drift);
      return t(drift < 0 ? 'compliance.journal.summary.clockBack' : 'compliance.journal.summary.clockForward', { count, value: count.toLocaleString('fr-FR') });
    }
    case 'startup':
    case 'shutdown': {
      const version = text(detail, 'version');
      return version === null ? null : t('compliance.journal.summary.version', { version });
    }
    case 'restore':
      return null;
  }
}

function closureSummary(detail: Record<string, unknown>, t: TFunction): string | null {
  const period = PERIODS.find((p): p is Period => p === detail.period);
  const from = text(detail, 'starts_on');
  const to = text(detail, 'ends_on') ?? from;
  if (!period || from === null || to === null) return null;
  const broken = integer(detail, 'chain_first_broken');
  const chain =
    detail.chain_intact === false
      ? broken === null
        ? t('compliance.journal.summary.chainBroken')
        : t('compliance.journal.summary.chainBrokenAt', { seq: broken })
      : t('compliance.journal.summary.chainIntact');
  const label = t(`compliance.journal.periods.${period}`);
  return from === to
    ? t('compliance.journal.summary.closureDay', { period: label, date: formatCalendarDate(from), chain })
    : t('compliance.journal.summary.closureSpan', { period: label, from: formatCalendarDate(from), to: formatCalendarDate(to), chain });
}
