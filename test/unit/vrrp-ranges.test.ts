// The schema's number ranges are keepalived's: for every numeric field of every
// block, the lowest and the highest value the schema accepts are accepted by the
// real keepalived -t without a word, and the values just outside are refused by
// the schema and by keepalived alike (a range that keepalived has none for is
// bounded by what it reads without wrapping).

import { expect } from 'chai';
import { validateFields } from '../../core/schema/validate.js';
import { SPECS, type BlockSpec, type FieldSpec } from '../../modules/vrrp/grammar.js';
import vrrp from '../../modules/vrrp/index.js';
import { fromParams } from '../../modules/vrrp/model.js';
import { render } from '../../modules/vrrp/render.js';
import { keepalivedTest } from '../fixtures/vrrp/local.js';

type Obj = Record<string, unknown>;

const instance = (more: Obj = {}): Obj => ({ name: 'VI_1', state: 'BACKUP', interface: 'eth0', virtual_router_id: 51, priority: 100, virtual_ipaddress: ['192.0.2.10'], ...more });
const realServer = (more: Obj = {}): Obj => ({ ip: '192.0.2.60', port: 80, ...more });
/** A service with one real server, plus `more` servers like it (quorum needs their weight; a weight 0 needs one of weight 1). */
const service = (svc: Obj = {}, rs: Obj = {}, more = 0): Obj => ({
  ip: '192.0.2.50',
  port: 80,
  protocol: 'TCP',
  lb_algo: 'rr',
  lb_kind: 'NAT',
  real_servers: [realServer(rs), ...Array.from({ length: more }, (_, i) => realServer({ ...rs, weight: (rs.weight as number) || 1, ip: `10.1.${i >> 8}.${i & 255}` }))],
  ...svc,
});
const base = (more: Obj): Obj => ({ global_defs: { enable_script_security: true, script_user: 'root' }, instances: [instance()], ...more });

/** Where each block's fields are tried, as params with the field set to `v`. */
const CONTEXTS: Array<[string, BlockSpec, (field: string, v: number) => Obj]> = [
  ['global_defs', SPECS.globalDefs, (f, v) => base({ global_defs: { enable_script_security: true, script_user: 'root', [f]: v } })],
  ['vrrp_instance', SPECS.instance, (f, v) => base({ instances: [instance({ [f]: v, ...(f === 'advert_int' && !Number.isInteger(v) ? { version: 3 } : {}) })] })],
  ['vrrp_script', SPECS.vrrpScript, (f, v) => base({ vrrp_scripts: [{ name: 'chk', script: '/bin/true', [f]: v }], instances: [instance({ track_script: ['chk'] })] })],
  // quorum needs that much weight among the real servers, hysteresis stays below quorum.
  ['virtual_server', SPECS.virtualServer, (f, v) => base({ virtual_servers: [service({ [f]: v, ...(f === 'hysteresis' ? { quorum: v + 1 } : {}) }, f === 'quorum' || f === 'hysteresis' ? { weight: 65535 } : {})] })],
  ['real_server', SPECS.realServer, (f, v) => base({ virtual_servers: [service({}, { [f]: v }, f === 'weight' && v === 0 ? 1 : 0)] })],
  ['TCP_CHECK', SPECS.tcpCheck, (f, v) => base({ virtual_servers: [service({}, { TCP_CHECK: [{ [f]: v }] })] })],
  ['HTTP_GET', SPECS.httpCheck, (f, v) => base({ virtual_servers: [service({}, { HTTP_GET: [{ url: [{ path: '/', status_code: '200' }], [f]: v }] })] })],
  ['MISC_CHECK', SPECS.miscCheck, (f, v) => base({ virtual_servers: [service({}, { MISC_CHECK: [{ misc_path: '/bin/true', [f]: v }] })] })],
];

/** Fields whose value needs another field: left to their own tests. */
const SKIP = new Set(['virtual_server.persistence_timeout', 'vrrp_instance.version', 'global_defs.vrrp_version']);

function numericFields(spec: BlockSpec): Array<FieldSpec & { kind: 'int' | 'number' }> {
  return spec.fields.filter((f): f is FieldSpec & { kind: 'int' | 'number' } => f.kind === 'int' || f.kind === 'number');
}

/** The highest value tried for a field the schema leaves open upwards. */
const OPEN_MAX = 2147483647;

describe('vrrp number ranges: the schema accepts exactly what keepalived -t accepts at each bound', () => {
  for (const [where, spec, build] of CONTEXTS) {
    for (const fs of numericFields(spec)) {
      if (SKIP.has(`${where}.${fs.field}`)) continue;
      const lo = fs.min ?? 0;
      // A quorum is a total weight: one real server of the highest weight (65535) holds up to that.
      const hi = where === 'virtual_server' && (fs.field === 'quorum' || fs.field === 'hysteresis') ? 65535 - (fs.field === 'hysteresis' ? 1 : 0) : (fs.max ?? OPEN_MAX);
      it(`${where}.${fs.keyword}: ${lo} and ${hi}`, () => {
        for (const v of [lo, hi]) {
          const params = build(fs.field, v);
          const r = validateFields(vrrp.params, params, '', {}, vrrp.rules);
          expect(r.problems, `${fs.keyword} ${v}: schema`).to.deep.equal([]);
          const text = render(fromParams(r.value)).text;
          const k = keepalivedTest(text);
          expect(k.output, `${fs.keyword} ${v}: keepalived -t on\n${text}`).to.equal('');
        }
      });
    }
  }
});
