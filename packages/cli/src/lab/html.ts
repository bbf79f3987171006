import type { LabReportMeta } from './output.js';
import type { ScenarioResult } from './run-scenario.js';

export function renderHtml(results: readonly ScenarioResult[], meta: LabReportMeta): string {
  return `<!doctype html><meta charset="utf-8"><title>lameduck lab</title><pre>${JSON.stringify({ meta, n: results.length })}</pre>`;
}
