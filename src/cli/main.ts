#!/usr/bin/env node
import { redactConsole } from './console-redaction.js';
import { buildProgram } from './program.js';
import { reportError } from './report-error.js';

redactConsole();

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
