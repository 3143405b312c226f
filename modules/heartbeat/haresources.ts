// haresources as a model, read as heartbeat's ResourceManager reads it:
// comments cut at `#`, lines ending in `\` joined, blanks squeezed, the node
// name lowercased. Each line is a resource group: the node that prefers it,
// then resources started left to right (stopped right to left), each an IP
// address (IPaddr), a script name, or `script::arg::arg`.

export interface ResourceGroup {
  node: string;
  resources: string[];
}

export const RESOURCES_HEADER = '# haresources written by rb: edit the playbook, not this file (changes here are reported as drift).';

export function parseHaresources(text: string): ResourceGroup[] {
  const joined = text.replace(/#[^\n]*/g, '').replace(/\\\r?\n/g, ' ');
  const groups: ResourceGroup[] = [];
  for (const line of joined.split(/\r?\n/)) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    groups.push({ node: words[0].toLowerCase(), resources: words.slice(1) });
  }
  return groups;
}

export function renderHaresources(groups: ResourceGroup[]): string {
  return `${[RESOURCES_HEADER, ...groups.map((g) => [g.node, ...g.resources].join(' '))].join('\n')}\n`;
}

const IPV4 = /^\d+\.\d+\.\d+\.\d+/;

/** The script heartbeat runs for a resource: `IPaddr` for a bare address, else the name before `::`. */
export function scriptOf(resource: string): string {
  if (IPV4.test(resource)) return 'IPaddr';
  return resource.split('::')[0];
}

export function groupsFromParams(list: Array<{ node: string; resources: string[] }>): ResourceGroup[] {
  return list.map((g) => ({ node: g.node.toLowerCase(), resources: [...g.resources] }));
}
