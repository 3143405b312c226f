// Params of the sysctl module: one key (`name` + `value`) or many (`settings`).

import type { Fields, ObjectSpec } from '../../core/schema/types.js';
import { isTemplate } from '../../core/schema/validate.js';
import { canonicalKey, KEY_PATTERN } from './keys.js';

const ONE_LINE = /^[^\n\r]*$/;
const keySpec = { pattern: KEY_PATTERN, patternName: 'a sysctl key such as net.ipv4.ip_forward' } as const;

export const sysctlParams: Fields = {
  name: { type: 'string', ...keySpec, aliases: ['key'], description: 'One key (with `value`).' },
  value: { type: 'string', pattern: ONE_LINE, patternName: 'a value on one line', description: 'Value of `name`; vectors space-separated.' },
  settings: {
    type: 'map',
    values: { type: 'string', pattern: ONE_LINE, patternName: 'a value on one line' },
    description: 'Several keys at once (one round trip): {key: value}.',
  },
  state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'absent removes the keys from the persisted file (a live value cannot be unset).' },
  persist: { type: 'bool', default: true, description: 'Also write the keys to `file` so they survive a reboot.' },
  file: { type: 'string', default: '/etc/sysctl.d/90-rb.conf', aliases: ['sysctl_file'], pattern: /^\/[^\n\r]*[^/]$/, patternName: 'an absolute file path', description: 'The managed file.' },
  live: { type: 'bool', default: true, description: 'Also set the running kernel (sysctl -w).' },
  sysctl_set: { type: 'bool', description: "Ansible's spelling: set the running kernel too (with reload: false)." },
  reload: { type: 'bool', description: "Ansible's spelling: reload: false with sysctl_set false (or unset) only writes the file." },
  ignoreerrors: { type: 'bool', default: false, description: 'A key the running kernel does not have is left out with a warning instead of failing the task.' },
};

export const sysctlRules: ObjectSpec['check'] = (v) => {
  const problems: Array<[string, string]> = [];
  const { name, value, settings, state, persist, file, live: liveParam, reload, sysctl_set } = v as Record<string, any>;
  const live = liveParam && !(reload === false && sysctl_set !== true);
  if (liveParam === false && sysctl_set === true) problems.push(['sysctl_set', 'live: false and sysctl_set: true disagree']);
  if ((name === undefined) === (settings === undefined)) problems.push(['', 'give either name (with value) or settings']);
  if (name !== undefined && state === 'present' && value === undefined) problems.push(['value', 'required with name when state is present']);
  if (settings !== undefined) {
    if (Object.keys(settings).length === 0) problems.push(['settings', 'is empty']);
    const seen = new Map<string, string>();
    for (const key of Object.keys(settings)) {
      if (isTemplate(key)) continue; // checked again once rendered for the host
      if (!KEY_PATTERN.test(key)) problems.push([`settings`, `${JSON.stringify(key)} is not ${keySpec.patternName}`]);
      const other = seen.get(canonicalKey(key));
      if (other !== undefined) problems.push(['settings', `${JSON.stringify(key)} and ${JSON.stringify(other)} are the same key`]);
      seen.set(canonicalKey(key), key);
    }
  }
  const values = settings !== undefined ? Object.entries(settings as Record<string, string>) : value !== undefined ? [[name, value]] : [];
  for (const [key, val] of values) {
    if (/^(true|false|yes|no)$/i.test(val)) problems.push([settings ? 'settings' : 'value', `${key}: ${val} is not a sysctl value (write 1 or 0)`]);
  }
  if (state === 'absent' && !persist) problems.push(['persist', 'state absent removes keys from the persisted file, so it needs persist: true (a live value cannot be unset)']);
  if (state === 'present' && !persist && !live) problems.push([liveParam ? 'reload' : 'live', 'the running kernel and the file are both left out: nothing to do']);
  if (/\/sysctl\.d\/[^/]+$/.test(file) && !file.endsWith('.conf')) problems.push(['file', 'files in sysctl.d are read at boot only when named *.conf']);
  return problems;
};
