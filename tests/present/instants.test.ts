import { describe, expect, it } from 'vitest';
import { formatInstant, formatRelative, formatWindow } from '../../src/present/instants.js';

const at = (iso: string) => new Date(iso);

describe('present: instants', () => {
  it('shows an instant in UTC to the second, with a compact form for console tables', () => {
    expect(formatInstant(at('2026-11-21T14:03:07.456Z'))).toBe('2026-11-21 14:03:07 UTC');
    expect(formatInstant(at('2026-11-21T14:03:07Z'), { zone: 'Z' })).toBe('2026-11-21 14:03:07Z');
    expect(formatInstant(null)).toBe('—');
  });

  it('shows a window of whole days as dates, any other window as two instants', () => {
    expect(formatWindow(at('2026-11-21T00:00:00Z'), at('2026-11-22T00:00:00Z'))).toBe(
      '2026-11-21 → 2026-11-22',
    );
    expect(formatWindow(at('2026-05-31T06:10:05Z'), at('2026-07-01T00:00:00Z'), { zone: 'Z' })).toBe(
      '2026-05-31 06:10:05Z → 2026-07-01 00:00:00Z',
    );
  });

  it('leaves out the seconds of whole-minute bounds only when asked, and never hides seconds', () => {
    const hourly = [at('2026-11-21T13:00:00Z'), at('2026-11-21T14:00:00Z')] as const;
    expect(formatWindow(...hourly)).toBe('2026-11-21 13:00:00 UTC → 2026-11-21 14:00:00 UTC');
    expect(formatWindow(...hourly, { trimSeconds: true })).toBe(
      '2026-11-21 13:00 UTC → 2026-11-21 14:00 UTC',
    );
    expect(formatWindow(at('2026-11-21T23:55:30Z'), at('2026-11-22T00:00:00Z'), { trimSeconds: true })).toBe(
      '2026-11-21 23:55:30 UTC → 2026-11-22 00:00:00 UTC',
    );
  });

  it('says how long ago or until, in the largest unit', () => {
    const now = at('2026-11-22T12:00:00Z');
    expect(formatRelative(at('2026-11-22T11:59:48Z'), now)).toBe('12 s ago');
    expect(formatRelative(at('2026-11-22T11:56:55Z'), now)).toBe('3 min ago');
    expect(formatRelative(at('2026-11-22T14:03:00Z'), now)).toBe('in 2 h');
    expect(formatRelative(at('2026-11-19T08:00:00Z'), now)).toBe('3 d 4 h ago');
  });
});
