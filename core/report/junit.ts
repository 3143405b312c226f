// --report-junit: one testsuite per host, one testcase per task; a change in
// check mode (drift) is a failure, so CI dashboards show drift as red. Written
// from the JSON report, so a merged report of shards reads the same.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { changeLine, MASK } from './format.js';
import type { JsonReport } from './json.js';

// XML escapes; control characters XML cannot hold are written as \uXXXX text, line breaks as character references.
const esc = (s: string) =>
  s
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\n\r\t]/g, (c) => `&#${c.charCodeAt(0)};`);

type Row = JsonReport['tasks'][number];

const line = (c: Row['changes'][number]) => changeLine({ ...c, secret: c.before === MASK || c.after === MASK });

export function junitXml(report: JsonReport): string {
  const byHost = new Map<string, Row[]>();
  for (const r of report.tasks) (byHost.get(r.host) ?? byHost.set(r.host, []).get(r.host)!).push(r);
  const drifted = (r: Row) => report.check && r.status === 'changed';
  const suites = [...byHost].map(([host, rs]) => {
    const cases = rs.map((r) => {
      const name = esc(`${r.handler ? 'handler: ' : ''}${r.task}`);
      const time = (r.durationMs / 1000).toFixed(3);
      let body = '';
      if (r.status === 'failed' || r.status === 'unreachable') body = `<failure message="${esc(r.msg ?? r.status)}"/>`;
      else if (drifted(r)) body = `<failure message="drift" type="drift">${esc(r.changes.map(line).join('\n'))}</failure>`;
      else if (r.status === 'skipped') body = '<skipped/>';
      return `    <testcase classname="${esc(host)}" name="${name}" time="${time}">${body}</testcase>`;
    });
    const failures = rs.filter((r) => r.status === 'failed' || r.status === 'unreachable' || drifted(r)).length;
    return `  <testsuite name="${esc(host)}" tests="${rs.length}" failures="${failures}" skipped="${rs.filter((r) => r.status === 'skipped').length}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rb${report.check ? ' drift' : ''}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export async function writeJunitReport(file: string, report: JsonReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, junitXml(report));
}
