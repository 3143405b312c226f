// Other managers of the same IPVS table on the host: keepalived's
// `virtual_server` blocks and ldirectord's `virtual=` sections. Two managers
// of one service undo each other's edits (a classic outage), so a service
// they also manage is an error unless the task says `force: true`.

import { parseConf, type ConfNode } from '../lib/keepalived-conf/parser.js';
import { parseLdirectord } from '../lib/ldirectord-conf/config.js';
import { impliedTable } from '../lib/ldirectord-conf/implied.js';
import { modelOf } from '../lib/ldirectord-conf/model.js';
import { KEEPALIVED_CONF } from './facts.js';
import { serviceId, type ServiceKey } from '../lib/ipvs-table/model.js';

export interface Manager {
  /** `keepalived` or `ldirectord`. */
  name: string;
  file: string;
  running: boolean;
  /** Service ids its config manages. */
  services: string[];
  /** Why the config could not be read (then its services are unknown). */
  unreadable?: string;
}

const PROTOCOLS: Record<string, 'tcp' | 'udp' | 'sctp'> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

/** Service ids of keepalived's virtual_server blocks (virtual_server_group ones are named by group, not listed). */
export function keepalivedServices(text: string): string[] {
  const out: string[] = [];
  const walk = (nodes: ConfNode[]) => {
    for (const n of nodes) {
      if (n.words[0] === 'virtual_server' && n.children) {
        const protocol = PROTOCOLS[n.children.find((c) => c.words[0] === 'protocol')?.words[1]?.toUpperCase() ?? 'TCP'] ?? 'tcp';
        const ipv6 = n.children.some((c) => c.words[0] === 'ip_family' && c.words[1] === 'inet6');
        let key: ServiceKey | undefined;
        if (n.words[1] === 'fwmark' && /^\d+$/.test(n.words[2] ?? '')) key = ipv6 ? { fwmark: Number(n.words[2]), ipv6 } : { fwmark: Number(n.words[2]) };
        else if (n.words[1] && n.words[1] !== 'group' && /^\d+$/.test(n.words[2] ?? '')) key = { protocol, address: n.words[1].toLowerCase(), port: Number(n.words[2]) };
        if (key) out.push(serviceId(key));
      }
    }
  };
  walk(parseConf(text, KEEPALIVED_CONF));
  return out;
}

export function ldirectordServices(text: string, file: string): string[] {
  return impliedTable(modelOf(parseLdirectord(text, file))).services.map((s) => serviceId(s.service.key));
}

export interface ManagerFacts {
  keepalived: { content: string | null; running: boolean };
  ldirectord: { files: Record<string, string | null>; running: boolean };
}

export function managersOf(f: ManagerFacts): Manager[] {
  const out: Manager[] = [];
  const read = (name: string, file: string, running: boolean, parse: () => string[]) => {
    try {
      out.push({ name, file, running, services: parse() });
    } catch (e) {
      out.push({ name, file, running, services: [], unreadable: (e as Error).message });
    }
  };
  const keepalived = f.keepalived.content;
  if (keepalived !== null) read('keepalived', KEEPALIVED_CONF, f.keepalived.running, () => keepalivedServices(keepalived));
  for (const [file, text] of Object.entries(f.ldirectord.files)) {
    if (text !== null) read('ldirectord', file, f.ldirectord.running, () => ldirectordServices(text, file));
  }
  return out;
}

/** One message per managed service another manager also manages. */
export function conflicts(managed: string[], managers: Manager[]): string[] {
  const out: string[] = [];
  for (const id of managed) {
    for (const m of managers) {
      if (m.services.includes(id)) out.push(`${id} is also managed by ${m.name} (${m.file}, ${m.running ? 'running' : 'not running now'})`);
    }
  }
  return out;
}
