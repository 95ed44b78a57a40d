import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatPercent } from '../../src/present/numbers.js';

describe('present: numbers', () => {
  it('groups counts by thousands with commas and rounds to whole numbers', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(345)).toBe('345');
    expect(formatCount(12_345)).toBe('12,345');
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(-1_234)).toBe('-1,234');
    expect(formatCount(2.6)).toBe('3');
    expect(formatCount(-0.3)).toBe('0');
  });

  it('shows — for unknown values', () => {
    for (const format of [formatCount, formatBytes, formatPercent]) {
      expect(format(null)).toBe('—');
      expect(format(Number.NaN)).toBe('—');
    }
  });

  it('shows sizes in powers of 1024 with a decimal only for small values of a unit', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(48 * 1024)).toBe('48 kB');
    expect(formatBytes(1.2 * 1024 ** 2)).toBe('1.2 MB');
    expect(formatBytes(3.4 * 1024 ** 3)).toBe('3.4 GB');
    expect(formatBytes(5 * 1024 ** 5)).toBe('5120 TB');
  });

  it('shows a ratio as a percentage with one decimal', () => {
    expect(formatPercent(0.973)).toBe('97.3 %');
    expect(formatPercent(1)).toBe('100.0 %');
  });
});
