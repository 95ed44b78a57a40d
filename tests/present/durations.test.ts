import { describe, expect, it } from 'vitest';
import { formatDuration, formatShortDuration } from '../../src/present/durations.js';

describe('present: durations', () => {
  it('shows hundredths below a minute, then two units at most', () => {
    expect(formatDuration(0)).toBe('0.00 s');
    expect(formatDuration(850)).toBe('0.85 s');
    expect(formatDuration(12_345)).toBe('12.35 s');
    expect(formatDuration(64_000)).toBe('1 min 04 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_723_000)).toBe('1 h 02 min');
    expect(formatDuration(47 * 3_600_000 + 10 * 60_000)).toBe('47 h 10 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
  });

  it('rounds across a unit boundary instead of printing 60 of the smaller unit', () => {
    expect(formatDuration(59_999)).toBe('1 min 00 s');
    expect(formatDuration(3_599_600)).toBe('1 h 00 min');
  });

  it('shows — for an unknown duration and never a negative one', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatDuration(-1500)).toBe('0.00 s');
  });

  it('has a short style with whole seconds and one-letter minutes for progress lines', () => {
    expect(formatShortDuration(4_400)).toBe('4 s');
    expect(formatShortDuration(65_000)).toBe('1 m 05 s');
    expect(formatShortDuration(2 * 3_600_000 + 7 * 60_000)).toBe('2 h 07 m');
    expect(formatDuration(65_000, { style: 'short' })).toBe('1 m 05 s');
    expect(formatShortDuration(-5_000)).toBe('0 s');
  });
});
