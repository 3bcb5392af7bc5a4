import {
  describeWindows,
  formatWindow,
  isOpen,
  nextRow,
  OFFER_STATUS_COLOR,
  OFFER_STATUSES,
  rowProblems,
  rowsFromWindows,
  shownStatus,
  splitOffers,
  windowsFromRows,
} from './format.ts';
import i18n from '../../i18n/index.ts';
import waitlist from '../../i18n/fr.waitlist.ts';

const SHORT = ['lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.', 'dim.'];
const range = (weekday: number, start: string, end: string) => ({ weekday, start, end });

describe('windows in French', () => {
  it('says one window with its short day name', () => {
    expect(formatWindow(range(3, '08:00', '12:00'), SHORT)).toBe('mer. 08:00–12:00');
    expect(formatWindow(range(7, '10:00', '11:00'), SHORT)).toBe('dim. 10:00–11:00');
  });

  it('says consecutive days with the same hours once, Monday first', () => {
    const week = [1, 2, 3, 4, 5, 6].map((d) => range(d, '08:00', '20:00'));
    expect(describeWindows(week, SHORT)).toEqual(['lun.–sam. 08:00–20:00']);
    const evenings = [...[5, 4, 3, 2, 1].map((d) => range(d, '17:00', '20:00')), range(6, '08:00', '13:00')];
    expect(describeWindows(evenings, SHORT)).toEqual(['lun.–ven. 17:00–20:00', 'sam. 08:00–13:00']);
  });

  it('lists a day’s ranges in order and does not join days across a gap', () => {
    const windows = [range(3, '14:00', '18:00'), range(1, '09:00', '10:00'), range(3, '08:00', '12:00'), range(5, '09:00', '10:00')];
    expect(describeWindows(windows, SHORT)).toEqual(['lun. 09:00–10:00', 'mer. 08:00–12:00, 14:00–18:00', 'ven. 09:00–10:00']);
    expect(describeWindows([], SHORT)).toEqual([]);
  });

  it('has the French short day names', () => {
    i18n.addResourceBundle('fr', 'translation', { waitlist }, true, true);
    expect(Object.values(waitlist.weekdaysShort)).toEqual(SHORT);
  });
});

describe('the windows editor’s rows', () => {
  it('round-trips the API list, sorted by day then start', () => {
    const rows = rowsFromWindows([range(3, '14:00', '18:00'), range(1, '09:00', '12:00'), range(3, '08:00', '12:00')]);
    expect(rows).toEqual([
      { weekday: '1', start: '09:00', end: '12:00' },
      { weekday: '3', start: '08:00', end: '12:00' },
      { weekday: '3', start: '14:00', end: '18:00' },
    ]);
    expect(windowsFromRows(rows)).toEqual([range(1, '09:00', '12:00'), range(3, '08:00', '12:00'), range(3, '14:00', '18:00')]);
  });

  it('tidies typed times as the week grid does', () => {
    expect(windowsFromRows([{ weekday: '2', start: '9h', end: '1230' }])).toEqual([range(2, '09:00', '12:30')]);
  });

  it('suggests Monday morning first, then the next day with the same hours', () => {
    expect(nextRow([])).toEqual({ weekday: '1', start: '08:00', end: '12:00' });
    expect(nextRow([{ weekday: '2', start: '17:00', end: '20:00' }])).toEqual({ weekday: '3', start: '17:00', end: '20:00' });
    expect(nextRow([{ weekday: '7', start: '10:00', end: '12:00' }]).weekday).toBe('1');
  });

  it('finds unreadable times and ends before starts', () => {
    expect(
      rowProblems([
        { weekday: '1', start: '08:00', end: '12:00' },
        { weekday: '2', start: '', end: '12:00' },
        { weekday: '3', start: '12:00', end: '08:00' },
        { weekday: '4', start: '10:00', end: '10:00' },
        { weekday: '9', start: '10:00', end: '11:00' },
        { weekday: '5', start: '20:00', end: '24:00' },
      ]),
    ).toEqual({ 1: 'time', 2: 'order', 3: 'order', 4: 'time' });
  });
});

describe('offers', () => {
  const NOW = Date.parse('2026-12-06T10:00:00Z');
  const offer = (status: (typeof OFFER_STATUSES)[number], startsAt: string, expiresAt: string) => ({ status, starts_at: startsAt, expires_at: expiresAt });

  it('labels and colours every state', () => {
    i18n.addResourceBundle('fr', 'translation', { waitlist }, true, true);
    expect(OFFER_STATUSES.map((s) => i18n.t(`waitlist.statuses.${s}`))).toEqual(['Proposé', 'Accepté', 'Refusé', 'Déjà pris', 'Retiré', 'Expiré']);
    for (const status of OFFER_STATUSES) expect(OFFER_STATUS_COLOR[status]).toBeTruthy();
  });

  it('is open while offered and not yet expired', () => {
    expect(isOpen(offer('offered', '2026-12-08T09:00:00Z', '2026-12-06T22:00:00Z'), NOW)).toBe(true);
    expect(isOpen(offer('offered', '2026-12-08T09:00:00Z', '2026-12-06T09:59:00Z'), NOW)).toBe(false);
    expect(isOpen(offer('accepted', '2026-12-08T09:00:00Z', '2026-12-06T22:00:00Z'), NOW)).toBe(false);
    expect(shownStatus(offer('offered', '2026-12-08T09:00:00Z', '2026-12-06T09:59:00Z'), NOW)).toBe('expired');
    expect(shownStatus(offer('taken', '2026-12-08T09:00:00Z', '2026-12-06T09:59:00Z'), NOW)).toBe('taken');
  });

  it('puts the open ones first, the soonest first, and the rest latest first', () => {
    const a = offer('offered', '2026-12-09T09:00:00Z', '2026-12-06T22:00:00Z');
    const b = offer('offered', '2026-12-08T09:00:00Z', '2026-12-06T22:00:00Z');
    const c = offer('declined', '2026-12-07T09:00:00Z', '2026-12-06T22:00:00Z');
    const d = offer('taken', '2026-12-10T09:00:00Z', '2026-12-06T22:00:00Z');
    expect(splitOffers([a, b, c, d], NOW)).toEqual({ open: [b, a], past: [d, c] });
  });
});
