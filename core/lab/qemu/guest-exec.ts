// `rb lab exec HOST -- CMD` inside the guest costs seconds under emulation
// (node starts and loads rb over 9p). The guest runs a small bash script
// instead that does what the lab's exec does — nsenter into the host's pid 1
// (checked against its recorded start time) with a clean environment — and
// hands over to rb's own CLI only when the record is missing or stale, so the
// user gets rb's error message.

import { argv as shellArgv, quote } from '../../transport/shell.js';
import { hostStateDir } from '../paths.js';

/** The environment a lab host command starts with, as the lab's own exec gives it. */
const HOST_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LANG=C.UTF-8'];

/** The pid record the lab writes for each host: "<pid> <starttime>". */
export function pidRecordPath(host: string): string {
  return `${hostStateDir(host)}/pid`;
}

/** Words for ssh: `bash -c SCRIPT rb-exec CMD...`, so the command reaches nsenter as "$@", never re-parsed. */
export function guestExecWords(rbCli: readonly string[], host: string, argv: readonly string[], record = pidRecordPath(host)): string[] {
  const script = [
    `if read -r pid start < ${quote(record)} 2>/dev/null && read -r stat < "/proc/$pid/stat" 2>/dev/null; then`,
    // Fields after the command name, which may itself hold ") ": field 22 (start time) is the 20th.
    `  fields=(\${stat##*') '})`,
    `  if [ "\${fields[19]}" = "$start" ]; then`,
    `    exec env -i ${shellArgv(HOST_ENV)} nsenter -t "$pid" -m -u -i -n -p -- "$@"`,
    '  fi',
    'fi',
    `exec ${shellArgv(rbCli)} lab exec ${quote(host)} -- "$@"`,
  ].join('\n');
  return ['bash', '-c', script, 'rb-exec', ...argv];
}
