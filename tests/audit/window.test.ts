import { describe, expect, it } from 'vitest';
import { computeWindow, parseCliDate, type WindowInput } from '../../src/audit/window.js';

const d = (iso: string) => new Date(iso);
const base: WindowInput = {
  loadType: 'I',
  now: d('2026-11-22T15:30:00Z'),
  grain: 'day',
  fullLoadStartDate: d('2026-01-01T00:00:00Z'),
  lookbackDays: 0,
  previous: null,
};

describe('window: calculation', () => {
  const cases: Array<[string, Partial<WindowInput>, string, string, string | null]> = [
    [
      'incremental with no previous run starts at the full-load start date',
      {},
      '2026-01-01T00:00:00.000Z',
      '2026-11-22T00:00:00.000Z',
      null,
    ],
    [
      'incremental starts at the previous data_max_date',
      { previous: { dataMaxDate: d('2026-11-20T17:45:00Z'), endLoadDate: d('2026-11-21T00:00:00Z') } },
      '2026-11-20T17:45:00.000Z',
      '2026-11-22T00:00:00.000Z',
      '2026-11-20T17:45:00.000Z',
    ],
    [
      'incremental falls back to the previous end_load_date when the run reported no data dates',
      { previous: { dataMaxDate: null, endLoadDate: d('2026-11-21T00:00:00Z') } },
      '2026-11-21T00:00:00.000Z',
      '2026-11-22T00:00:00.000Z',
      '2026-11-21T00:00:00.000Z',
    ],
    [
      'incremental never starts beyond the previous window end, whatever data date was reported',
      { previous: { dataMaxDate: d('2010-03-01T00:00:00Z'), endLoadDate: d('2005-01-01T00:00:00Z') } },
      '2005-01-01T00:00:00.000Z',
      '2026-11-22T00:00:00.000Z',
      '2005-01-01T00:00:00.000Z',
    ],
    [
      'lookback moves the start back by whole days',
      {
        lookbackDays: 3,
        previous: { dataMaxDate: d('2026-11-20T17:45:00Z'), endLoadDate: d('2026-11-21T00:00:00Z') },
      },
      '2026-11-17T17:45:00.000Z',
      '2026-11-22T00:00:00.000Z',
      '2026-11-20T17:45:00.000Z',
    ],
    [
      'full load ignores the previous run',
      {
        loadType: 'F',
        previous: { dataMaxDate: d('2026-11-20T00:00:00Z'), endLoadDate: d('2026-11-21T00:00:00Z') },
      },
      '2026-01-01T00:00:00.000Z',
      '2026-11-22T00:00:00.000Z',
      null,
    ],
    [
      'hour grain truncates the end to the hour',
      { grain: 'hour' },
      '2026-01-01T00:00:00.000Z',
      '2026-11-22T15:00:00.000Z',
      null,
    ],
    [
      '--start-date and --end-date override both sides',
      {
        startOverride: d('2026-03-01T00:00:00Z'),
        endOverride: d('2026-03-08T00:00:00Z'),
        previous: { dataMaxDate: d('2026-11-20T00:00:00Z'), endLoadDate: d('2026-11-21T00:00:00Z') },
      },
      '2026-03-01T00:00:00.000Z',
      '2026-03-08T00:00:00.000Z',
      '2026-11-20T00:00:00.000Z',
    ],
  ];
  it.each(cases)('%s', (_name, input, start, end, previousMax) => {
    const window = computeWindow({ ...base, ...input });
    expect(window.start.toISOString()).toBe(start);
    expect(window.end.toISOString()).toBe(end);
    expect(window.previousMaxDate?.toISOString() ?? null).toBe(previousMax);
  });

  it('rejects a start on or after the end, naming both and where the start came from', () => {
    expect(() => computeWindow({ ...base, startOverride: d('2026-12-01T00:00:00Z') })).toThrow(
      /empty load window: start 2026-12-01T00:00:00.000Z \(from --start-date\) is not before end 2026-11-22T00:00:00.000Z/,
    );
    expect(() =>
      computeWindow({
        ...base,
        previous: { dataMaxDate: d('2026-11-22T00:00:00Z'), endLoadDate: d('2026-11-22T00:00:00Z') },
      }),
    ).toThrow(/from the previous successful run's max date 2026-11-22T00:00:00.000Z/);
  });
});

describe('window: CLI dates', () => {
  it.each([
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T06:30', '2026-03-01T06:30:00.000Z'],
    ['2026-03-01T06:30:15Z', '2026-03-01T06:30:15.000Z'],
    ['2026-03-01T06:30:15+02:00', '2026-03-01T04:30:15.000Z'],
  ])('reads %s as UTC', (text, iso) => {
    expect(parseCliDate('--start-date', text).toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2026-13-01', '2026-02-30', '01/03/2026', ''])(
    'rejects %j, naming the option',
    (text) => {
      expect(() => parseCliDate('--end-date', text)).toThrow(/--end-date/);
    },
  );
});
