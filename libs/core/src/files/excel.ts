import type ExcelJSModule from 'exceljs';

export type ExcelJS = typeof ExcelJSModule;

let loaded: ExcelJS | undefined;

/**
 * exceljs, loaded on first use (an XLSX export or import) instead of at start-up: it adds about
 * 27 MB to a process's resident set, which an api serving referrals and worklists never needs.
 */
export function excel(): ExcelJS {
  // A deferred require: an import statement would load it with the module graph at start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('exceljs') as ExcelJS);
}
