// `ipvsadm -Ln --thresholds`: the one listing that shows what `-Sn` leaves
// out (upper and lower connection thresholds, measured with ipvsadm 1.31) and
// the active connection counts a drain waits on.
//
//   IP Virtual Server version 1.2.1 (size=4096)
//   Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn
//     -> RemoteAddress:Port
//   TCP  198.18.0.100:443 wrr persistent 600 mask 255.255.255.0
//     -> 10.0.0.5:8443                100        50         0          0

import { realId, serviceId, type ServiceKey } from '../lib/ipvs-table/model.js';
import { parseHostPort } from '../lib/ipvs-table/save-format.js';

export interface RealCounters {
  uThreshold: number;
  lThreshold: number;
  active: number;
  inactive: number;
}

/** serviceId → realId (ADDRESS:PORT as ipvsadm prints it) → counters. */
export type Listing = Record<string, Record<string, RealCounters>>;

const PROTOCOLS: Record<string, 'tcp' | 'udp' | 'sctp'> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

export function parseListing(text: string): Listing {
  const out: Listing = {};
  let current: Record<string, RealCounters> | undefined;
  text.split('\n').forEach((line, n) => {
    const fail = (m: string): never => {
      throw new Error(`ipvsadm -Ln --thresholds, line ${n + 1}: ${m}`);
    };
    if (line.trim() === '' || line.startsWith('IP Virtual Server') || line.startsWith('Prot ') || /^\s+-> RemoteAddress:Port/.test(line)) return;
    const fwm = /^FWM\s+(\d+)( IPv6)?\b/.exec(line);
    const svc = /^(TCP|UDP|SCTP)\s+(\S+)\s/.exec(`${line} `);
    const real = /^\s+->\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (fwm || svc) {
      const key: ServiceKey = fwm ? { fwmark: Number(fwm[1]), ...(fwm[2] ? { ipv6: true } : {}) } : { protocol: PROTOCOLS[svc![1]], ...parseHostPort(svc![2], fail) };
      current = out[serviceId(key)] = {};
    } else if (real) {
      if (!current) fail('a real server before any service');
      current![realId(parseHostPort(real[1], fail))] = { uThreshold: Number(real[2]), lThreshold: Number(real[3]), active: Number(real[4]), inactive: Number(real[5]) };
    } else {
      fail(`unexpected ${JSON.stringify(line.slice(0, 100))}`);
    }
  });
  return out;
}

/** Only the non-zero thresholds, for facts: serviceId → realId → [upper, lower]. */
export function thresholdsOf(l: Listing): Record<string, Record<string, [number, number]>> {
  const out: Record<string, Record<string, [number, number]>> = {};
  for (const [svc, reals] of Object.entries(l)) {
    for (const [real, c] of Object.entries(reals)) {
      if (c.uThreshold || c.lThreshold) (out[svc] ??= {})[real] = [c.uThreshold, c.lThreshold];
    }
  }
  return out;
}
