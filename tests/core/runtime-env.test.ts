import { describe, expect, it } from 'vitest';
import { debugEnabled, runtimeMs } from '../../src/core/runtime-env.js';

describe('core: tuning variables of the environment', () => {
  it('uses the default when the variable is unset or empty', () => {
    expect(runtimeMs('DWH_HEARTBEAT_MS', {})).toBe(10_000);
    expect(runtimeMs('DWH_WATCHDOG_GRACE_MS', { DWH_WATCHDOG_GRACE_MS: '' })).toBe(30_000);
    expect(runtimeMs('DWH_LOCK_WAIT_MS', {})).toBe(10_000);
  });

  it('reads a number of milliseconds', () => {
    expect(runtimeMs('DWH_HEARTBEAT_MS', { DWH_HEARTBEAT_MS: '250' })).toBe(250);
    expect(runtimeMs('DWH_WATCHDOG_GRACE_MS', { DWH_WATCHDOG_GRACE_MS: '0' })).toBe(0);
  });

  it('rejects a value that is not a number, naming the variable and the value', () => {
    expect(() => runtimeMs('DWH_HEARTBEAT_MS', { DWH_HEARTBEAT_MS: '10s' })).toThrow(
      /environment: DWH_HEARTBEAT_MS: must be a number of milliseconds ≥ 1 \(default 10000\) \(got "10s"\)/,
    );
    expect(() => runtimeMs('DWH_HEARTBEAT_MS', { DWH_HEARTBEAT_MS: '0' })).toThrow(/≥ 1/);
  });

  it('turns debugging on for any value but empty or 0', () => {
    expect(debugEnabled({})).toBe(false);
    expect(debugEnabled({ DWH_DEBUG: '0' })).toBe(false);
    expect(debugEnabled({ DWH_DEBUG: '1' })).toBe(true);
  });
});
