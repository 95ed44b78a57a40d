import { taskKindOf } from '../core/task.js';
import { redactText } from '../logging/redact.js';
import { unselectedDependencies } from '../run/plan-window.js';
import { resumeText } from '../run/resume-run.js';
import { runProject, type Printer, type RunReport, type RunRequest } from '../run/run-project.js';

/**
 * `runProject` as `dwh run` shows it: the run's own lines, then the plan of a dry run or the summary of a run
 * that executed its tasks, every line through the printer. This is the `runProject` that 'dwh' exports.
 */
export async function runProjectPrinted(
  request: RunRequest,
  printer: Printer = () => {},
): Promise<RunReport> {
  const report = await runProject(request, printer);
  printRunReport(report, printer);
  return report;
}

/** The plan of a dry run, or the summary of a run that got as far as its task loop; nothing otherwise. */
function printRunReport(report: RunReport, printer: Printer): void {
  const print: Printer = (line) => printer(redactText(line));
  if (report.plan) printPlan(print, report, report.plan.database, report.plan.selected);
  else if (report.result && report.runId !== null) printSummary(print, report, report.runId, report.result);
}

function printPlan(
  print: Printer,
  report: RunReport,
  database: string,
  selected: ReadonlySet<string> | undefined,
): void {
  const { project, window, kind } = report;
  const { parameters, ref } = project;
  print(`Plan for ${ref.group}/${ref.name} v${parameters.version} (dry run: nothing is written)`);
  print(`  environment  ${report.config.environment}`);
  print(`  database     ${database}`);
  print(
    `  target       ${parameters.target.database} ${parameters.target.schema}.${parameters.target.table}`,
  );
  print(`  load type    ${window.loadType}`);
  print(`  window       ${window.start.toISOString()} → ${window.end.toISOString()}`);
  print(`  previous max ${window.previousMaxDate?.toISOString() ?? '(none)'}`);
  print(`  run kind     ${kind}${kind === 'partial' ? ' (--tasks): not the base of the next window' : ''}`);
  print('  tasks, in order:');
  project.plan.forEach(({ task, dependsOn }, i) => {
    const notes: string[] = [];
    if (task.options.enabled === false) notes.push('disabled');
    if (task.branch) notes.push('branch');
    if (taskKindOf(task.fn) === 'sensor') notes.push('sensor');
    if (task.options.triggerRule && task.options.triggerRule !== 'all_success')
      notes.push(task.options.triggerRule);
    if (selected && !selected.has(task.name)) notes.push('not selected');
    if (selected?.has(task.name)) {
      const missing = unselectedDependencies(dependsOn, selected);
      if (missing.length) notes.push(`runs without ${missing.join(', ')} (not selected)`);
    }
    const deps = dependsOn.length ? ` ← ${dependsOn.join(', ')}` : '';
    print(
      `    ${String(i + 1).padStart(2)}. ${task.name}${deps}${notes.length ? `  [${notes.join('; ')}]` : ''}`,
    );
  });
}

function printSummary(
  print: Printer,
  report: RunReport,
  runId: number,
  result: NonNullable<RunReport['result']>,
): void {
  print('');
  print(
    `run ${runId}: ${report.status.toUpperCase()}${report.kind === 'partial' ? ' (partial)' : ''} — ${result.records} records`,
  );
  if (report.resumedFrom !== undefined) {
    const reused = result.tasks.filter((t) => t.reusedFrom !== undefined).map((t) => t.name);
    const again = result.tasks.filter((t) => t.reusedFrom === undefined).map((t) => t.name);
    print(`  ${resumeText(report.resumedFrom, reused, again)}`);
  }
  const width = Math.max(4, ...result.tasks.map((t) => t.name.length));
  print(`  ${'task'.padEnd(width)}  ${'status'.padEnd(15)}  attempts  ${'records'.padStart(9)}  duration`);
  for (const t of result.tasks) {
    const note = t.reusedFrom === undefined ? (t.error ?? '') : `reused from run ${t.reusedFrom}`;
    print(
      `  ${t.name.padEnd(width)}  ${t.status.padEnd(15)}  ${String(t.attempts).padStart(8)}  ${String(t.records).padStart(9)}  ${(t.durationMs / 1000).toFixed(2)} s${note ? `  ${note}` : ''}`,
    );
    if (t.pokes !== null && t.pokes !== undefined)
      print(`  ${' '.repeat(width)}  sensor: ${t.pokes} poke${t.pokes === 1 ? '' : 's'}`);
    for (const warning of t.warnings) print(`  ${' '.repeat(width)}  warning: ${warning}`);
  }
}
