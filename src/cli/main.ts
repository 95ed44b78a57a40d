#!/usr/bin/env node
import { redactConsole } from './console-redaction.js';
import { buildProgram } from './program.js';
import { reportError } from './report-error.js';
import { argvForUnknownCommand } from './unknown-command.js';

redactConsole();

try {
  const program = buildProgram();
  await program.parseAsync(argvForUnknownCommand(program, process.argv));
} catch (error) {
  process.exitCode = reportError(error);
}
