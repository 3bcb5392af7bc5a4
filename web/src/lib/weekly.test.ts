import {
  addRange,
  emptyGrid,
  gridErrorsFromServer,
  gridFromWeekly,
  gridProblems,
  normaliseTime,
  removeRange,
  sortGrid,
  sortRanges,
  suggestRange,
  updateRange,
  weeklyFromGrid,
} from './weekly.ts';

const demo = [
  { weekday: 2, start: '14:00', end: '18:00' },
  { weekday: 2, start: '09:00', end: '12:30' },
  { weekday: 6, start: '08:00', end: '13:00' },
];

describe('the weekly grid', () => {
  it('groups the API list by weekday, Monday first, each day sorted', () => {
    const grid = gridFromWeekly(demo);
    expect(grid).toHaveLength(7);
    expect(grid[0]).toEqual([]);
    expect(grid[1]).toEqual([
      { start: '09:00', end: '12:30' },
      { start: '14:00', end: '18:00' },
    ]);
    expect(grid[5]).toEqual([{ start: '08:00', end: '13:00' }]);
    expect(grid[6]).toEqual([]);
  });

  it('drops ranges of an unknown weekday', () => {
    expect(gridFromWeekly([{ weekday: 9, start: '09:00', end: '10:00' }])).toEqual(emptyGrid());
  });

  it('turns the grid back into the API list, sorted, remembering where each range came from', () => {
    const grid = updateRange(gridFromWeekly(demo), 1, 1, { start: '07:00', end: '08:00' });
    const { weekly, positions } = weeklyFromGrid(grid);
    expect(weekly).toEqual([
      { weekday: 2, start: '07:00', end: '08:00' },
      { weekday: 2, start: '09:00', end: '12:30' },
      { weekday: 6, start: '08:00', end: '13:00' },
    ]);
    expect(positions).toEqual([
      { day: 1, index: 1 },
      { day: 1, index: 0 },
      { day: 5, index: 0 },
    ]);
  });

  it('adds a range: 09:00–12:00 on an empty day, else after the last one', () => {
    let grid = addRange(emptyGrid(), 0);
    expect(grid[0]).toEqual([{ start: '09:00', end: '12:00' }]);
    grid = addRange(grid, 0);
    expect(grid[0]).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '15:00' },
    ]);
    expect(addRange(grid, 3, { start: '10:00', end: '11:00' })[3]).toEqual([{ start: '10:00', end: '11:00' }]);
    // Other days are untouched, and the input grid is not mutated.
    expect(grid[1]).toEqual([]);
  });

  it('cuts a suggested range at the end of the day, and leaves it blank when the day is full', () => {
    expect(suggestRange([{ start: '18:00', end: '22:30' }])).toEqual({ start: '23:30', end: '23:59' });
    expect(suggestRange([{ start: '18:00', end: '23:00' }])).toEqual({ start: '', end: '' });
    expect(suggestRange([{ start: '', end: '' }])).toEqual({ start: '', end: '' });
  });

  it('removes a range of one day only', () => {
    const grid = gridFromWeekly(demo);
    const after = removeRange(grid, 1, 0);
    expect(after[1]).toEqual([{ start: '14:00', end: '18:00' }]);
    expect(after[5]).toEqual(grid[5]);
    expect(grid[1]).toHaveLength(2);
  });

  it('sorts ranges by start then end, unreadable ones last', () => {
    expect(
      sortRanges([
        { start: '', end: '' },
        { start: '14:00', end: '18:00' },
        { start: '09:00', end: '12:00' },
        { start: '09:00', end: '10:00' },
      ]),
    ).toEqual([
      { start: '09:00', end: '10:00' },
      { start: '09:00', end: '12:00' },
      { start: '14:00', end: '18:00' },
      { start: '', end: '' },
    ]);
    const grid = addRange(gridFromWeekly(demo), 1, { start: '07:00', end: '08:00' });
    expect(sortGrid(grid)[1]?.[0]).toEqual({ start: '07:00', end: '08:00' });
  });

  it('finds bad times, reversed ranges and overlaps, as the server does', () => {
    let grid = gridFromWeekly(demo);
    expect(gridProblems(grid)).toEqual({});
    grid = updateRange(grid, 1, 0, { end: '15:00' }); // 09:00–15:00 overlaps 14:00–18:00
    grid = addRange(grid, 0, { start: '12:00', end: '10:00' });
    grid = addRange(grid, 2, { start: '25:00', end: '26:00' });
    grid = addRange(grid, 3, { start: 'midi', end: '14:00' });
    grid = addRange(grid, 4, { start: '9h', end: '1000' }); // read as 09:00–10:00
    expect(gridProblems(grid)).toEqual({ '0.0': 'order', '1.1': 'overlap', '2.0': 'time', '3.0': 'time' });
    // Touching ranges are fine, and 24:00 ends the day.
    expect(gridProblems([[{ start: '09:00', end: '12:00' }, { start: '12:00', end: '24:00' }], [], [], [], [], [], []])).toEqual({});
  });

  it('sends times the way the server wants them', () => {
    const grid = addRange(emptyGrid(), 0, { start: ' 9h30', end: '12' });
    expect(weeklyFromGrid(grid).weekly).toEqual([{ weekday: 1, start: '09:30', end: '12:00' }]);
  });

  it('puts server errors (weekly[i]) under the range that was sent at index i', () => {
    const grid = updateRange(gridFromWeekly(demo), 1, 1, { start: '07:00', end: '08:00' });
    const { positions } = weeklyFromGrid(grid);
    const errors = gridErrorsFromServer(
      [
        { field: 'weekly[0]', message: 'Deux plages du même jour se chevauchent.' },
        { field: 'weekly[2]', message: 'Autre' },
        { field: 'opening_hours[1]', message: 'ignorée' },
        { field: 'weekly[9]', message: 'hors liste' },
      ],
      'weekly',
      positions,
    );
    expect(errors).toEqual({ '1.1': 'Deux plages du même jour se chevauchent.', '5.0': 'Autre' });
  });

  it('reads times the way people type them', () => {
    expect(normaliseTime('9')).toBe('09:00');
    expect(normaliseTime('930')).toBe('09:30');
    expect(normaliseTime('1000')).toBe('10:00');
    expect(normaliseTime('9h30')).toBe('09:30');
    expect(normaliseTime('9h')).toBe('09:00');
    expect(normaliseTime('14.5')).toBe('14:50');
    expect(normaliseTime(' 10:00 ')).toBe('10:00');
    expect(normaliseTime('24')).toBe('24:00');
    expect(normaliseTime('25:00')).toBe('25:00');
    expect(normaliseTime('midi')).toBe('midi');
    expect(normaliseTime('')).toBe('');
  });
});
