import { describe, expect, it } from 'vitest';
import type { TaskOutcome } from '../../src/core/runner.js';
import { RunEmail, type RunEmailInfo } from '../../src/notify/run-email.js';

const info: RunEmailInfo = {
  project: 'sales_daily',
  group: 'sales',
  environment: 'prod',
  version: '1.2.0',
  runId: 42,
  host: 'etl01',
  status: 'success',
  window: {
    loadType: 'I',
    start: new Date('2026-11-21T00:00:00Z'),
    end: new Date('2026-11-22T00:00:00Z'),
    previousMaxDate: new Date('2026-11-20T23:59:00Z'),
  },
  dataMinDate: null,
  dataMaxDate: null,
  records: 12_345,
  startedAt: new Date('2026-11-22T03:00:00Z'),
  endedAt: new Date('2026-11-22T03:02:05Z'),
  target: 'dwh sales.daily',
  gitSha: null,
};

const task = (over: Partial<TaskOutcome>): TaskOutcome => ({
  name: 'extract',
  description: '',
  status: 'success',
  attempts: 1,
  records: 0,
  byTable: {},
  rejected: 0,
  warnings: [],
  durationMs: 1234,
  error: null,
  errorDetail: null,
  ...over,
});

describe('notify: the run e-mail', () => {
  it('formats the subject as [dwh][env] STATUS project start → end (rows)', () => {
    expect(new RunEmail(info).subject()).toBe(
      '[dwh][prod] SUCCESS sales_daily 2026-11-21 → 2026-11-22 (12,345 rows)',
    );
    const hourly = {
      ...info,
      records: 1,
      window: {
        ...info.window,
        start: new Date('2026-11-21T13:00:00Z'),
        end: new Date('2026-11-21T14:00:00Z'),
      },
    };
    expect(new RunEmail(hourly).subject()).toBe(
      '[dwh][prod] SUCCESS sales_daily 2026-11-21 13:00 UTC → 2026-11-21 14:00 UTC (1 row)',
    );
  });

  it('puts the first error of a failed run into the subject, on one line and cut to a readable length', () => {
    const email = new RunEmail({ ...info, status: 'failed', records: 0 });
    email.addError('Error in task load', `task 'load': ${'x'.repeat(300)}\nsecond line`, null);
    const subject = email.subject();
    expect(
      subject.startsWith("[dwh][prod] FAILED sales_daily 2026-11-21 → 2026-11-22 (0 rows): task 'load': x"),
    ).toBe(true);
    expect(subject).not.toContain('\n');
    expect(subject.endsWith('…')).toBe(true);
    expect(subject.length).toBeLessThan(220);
  });

  it('escapes everything it renders into HTML: task names, errors, stacks and log lines', () => {
    const email = new RunEmail({ ...info, project: 'p<b>', status: 'failed' });
    email.addTaskResult(
      task({ name: '<img src=x onerror=alert(1)>', status: 'failed', error: '"quoted" & <tag>' }),
    );
    email.addError('Error in <task>', 'boom', 'Error: <script>alert(1)</script>\n    at x (y.ts:1:1)');
    email.addLogBlock('Last lines', "it's <b>bold</b>");
    const { html, text } = email.render();
    expect(html).not.toMatch(/<(img|script|b|tag)\b/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;tag&gt;');
    expect(html).toContain('Error: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('it&#39;s &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('<h3>Error in &lt;task&gt;</h3>');
    // the plain-text body shows the text as it is
    expect(text).toContain('<script>alert(1)</script>');
  });

  it('shows duration and counts readably and masks registered secrets', async () => {
    const { registerSecret } = await import('../../src/logging/redact.js');
    registerSecret('hunter2-very-secret');
    const email = new RunEmail(info);
    email.addTaskResult(task({ records: 1_234_567, durationMs: 64_000 }));
    email.addLogBlock('Last lines', 'connecting with hunter2-very-secret');
    const { text, html } = email.render();
    expect(text).toMatch(/^Duration\s+2 min 05 s$/m);
    expect(text).toMatch(/^extract\s+success\s+1\s+1 min 04 s\s+1,234,567$/m);
    expect(text).toContain('connecting with ***');
    expect(text + html).not.toContain('hunter2-very-secret');
  });

  it("notes a reused task's earlier run and a sensor's pokes beside the task", () => {
    const email = new RunEmail(info);
    email.addTaskResult(task({ name: 'extract', attempts: 0, records: 5, reusedFrom: 7 }));
    email.addTaskResult(task({ name: 'landed', pokes: 12 }));
    email.addTaskResult(
      task({ name: 'api_up', status: 'failed', pokes: 1, error: "sensor 'api_up' timed out" }),
    );
    const { text } = email.render();
    expect(text).toMatch(/^extract\s+success\s+0\s+—\s+5\s+reused from run 7$/m);
    expect(text).toMatch(/^landed\s+success\s+1\s+1\.23 s\s+0\s+12 pokes$/m);
    expect(text).toMatch(/^api_up\s+failed .*sensor 'api_up' timed out \(1 poke\)$/m);
  });
});
