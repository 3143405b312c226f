// Real-world-style keepalived.conf files (test/fixtures/vrrp/real-world, written
// for rb to reproduce constructs found in public configs): per file, rb's model
// of the file, rendered, is accepted by the real keepalived -t as the file was
// (no message the original did not get), and parse(render(x)) == parse(x).

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { fromTree } from '../../modules/vrrp/model.js';
import { parseConf, type ConfNode } from '../../modules/lib/keepalived-conf/parser.js';
import { render } from '../../modules/vrrp/render.js';
import { CONFIG_ID, FIXTURES, keepalivedTest, keepalivedTestFile, readConfig, readTree } from '../fixtures/vrrp/local.js';

const DIR = join(FIXTURES, 'real-world');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();

/** keepalived -t messages without file names and line numbers, once each. */
function messages(output: string): Set<string> {
  return new Set(output.split('\n').filter((l) => l.trim() !== '').map((l) => l.replace(/^\([^)]*Line \d+\)\s*/, '')));
}

const LISTS = new Set(['notification_email', 'group', 'track_script', 'track_interface', 'unicast_peer', 'virtual_ipaddress', 'virtual_ipaddress_excluded', 'static_ipaddress', 'static_routes', 'static_rules', 'virtual_routes', 'virtual_rules', 'virtual_server_group']);

/** rb writes the current keyword for an old one keepalived still reads. */
const CURRENT: Record<string, string> = { lvs_sched: 'lb_algo', lvs_method: 'lb_kind', nb_get_retry: 'retry' };

/** Per block, its keywords in the order they first appear (repeated list blocks are merged on write). */
function keywordOrder(nodes: ConfNode[], path = ''): string[] {
  const seen: string[] = [];
  const out: string[] = [];
  nodes.forEach((n, i) => {
    const kw = CURRENT[n.words[0]] ?? n.words[0];
    if (!seen.includes(kw) || n.children?.some((c) => c.children)) seen.push(kw);
    if (n.children && !LISTS.has(n.words[0])) out.push(...keywordOrder(n.children, `${path}/${n.words[0]}#${i}`));
  });
  return [`${path}: ${seen.join(' ')}`, ...out.map((l) => l.replace(/#\d+/g, ''))];
}

describe('vrrp real-world corpus: parse → render → keepalived -t, and parse(render(x)) == parse(x)', () => {
  it('has at least 50 files', () => expect(FILES.length).to.be.at.least(50));

  for (const file of FILES) {
    it(file, () => {
      const path = join(DIR, file);
      const before = keepalivedTestFile(path);
      const model = readConfig(path);
      const text = render(model).text;
      const after = keepalivedTest(text);
      const added = [...messages(after.output)].filter((m) => !messages(before.output).has(m));
      expect(added, `new keepalived -t messages for the rendering:\n${text}`).to.deep.equal([]);
      if (before.code === 0) expect(after.code).to.equal(0);
      expect(fromTree(parseConf(text, 'rendered')), 'parse(render(x))').to.deep.equal(model);
      expect(keywordOrder(parseConf(text, 'rendered')), 'statements keep their order, untyped among typed').to.deep.equal(keywordOrder(readTree(path).nodes));
    });
  }

  it('reads repeated list blocks as keepalived does: appended', () => {
    const m = readConfig(join(DIR, '09-repeated-blocks.conf'));
    expect(m.instances![0].virtual_ipaddress!.map((v) => v.address)).to.deep.equal(['192.0.2.91/32', '192.0.2.92/32']);
    expect(m.instances![0].unicast_peer).to.deep.equal(['192.0.2.93', '192.0.2.94']);
    expect(m.instances![0].track_script).to.deep.equal(['s1', 's2']);
    expect(readConfig(join(DIR, '10-notification-email.conf')).global_defs!.notification_email).to.deep.equal(['ops@example.org', 'noc@example.org', 'oncall@example.org']);
  });

  it('reads unquoted multi-word notify commands, virtual_server group and the newer blocks typed', () => {
    expect(readConfig(join(DIR, '03-mysql-notify-multiword.conf')).instances![0].notify_master).to.equal('/bin/true master VI_MYSQL');
    const vsg = readConfig(join(DIR, '14-vs-group.conf'));
    expect(vsg.virtual_servers![0].group).to.equal('WEB');
    expect(vsg.virtual_server_groups).to.deep.equal([{ name: 'WEB', entries: ['192.0.2.140 80', '192.0.2.141-143 80', 'fwmark 9'] }]);
    const checks = readConfig(join(DIR, '19-ping-udp-smtp-checks.conf')).virtual_servers!;
    expect(checks[0].real_servers![0].SMTP_CHECK).to.deep.equal([{ connect_timeout: 10, helo_name: 'lb.example.org' }]);
    expect(checks[1].real_servers![0].UDP_CHECK).to.deep.equal([{ connect_timeout: 3 }]);
    expect(readConfig(join(DIR, '29-old-keywords.conf')).virtual_servers![0].real_servers![0].HTTP_GET![0].retry, 'nb_get_retry').to.equal(3);
    expect(readConfig(join(DIR, '17-vmac.conf')).instances![0]).to.include({ use_vmac: true, vmac_xmit_base: true });
  });

  it('reads @ID lines, $NAME parameters, ~SEQ and multi-line parameters as keepalived does', () => {
    const m = readConfig(join(DIR, '30-conditional-and-parameters.conf'));
    expect(m.global_defs).to.deep.equal({ router_id: 'everywhere_else' });
    expect(m.instances![0].priority).to.equal(150);
    expect(m.instances![0].virtual_ipaddress!.map((v) => v.address)).to.deep.equal(['192.0.2.10/32', '192.0.2.11/32', '192.0.2.12/32']);
    expect(m.virtual_servers![0]).to.include({ ip: '192.0.2.10', port: 80 });
    expect(m.virtual_servers![0].real_servers).to.deep.equal([{ ip: '192.0.2.20', port: 80, TCP_CHECK: [{ connect_timeout: 3 }] }]);
  });

  it('takes the config-id from the node name: @ID lines for this node are read, $_INSTANCE is it', () => {
    const text = `global_defs {\n    @${CONFIG_ID} router_id $_INSTANCE\n    @^${CONFIG_ID} bogus_keyword_elsewhere\n}\n`;
    expect(keepalivedTest(text), 'keepalived reads the same').to.deep.equal({ code: 0, output: '' });
    const dir = mkdtempSync(join(tmpdir(), 'rb-vrrp-id-'));
    try {
      writeFileSync(join(dir, 'k.conf'), text);
      expect(readConfig(join(dir, 'k.conf'))).to.deep.equal({ global_defs: { router_id: CONFIG_ID } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps empty blocks, which compare as absent', () => {
    const m = readConfig(join(DIR, '28-empty-blocks.conf'));
    expect(m.global_defs!.notification_email).to.deep.equal([]);
    expect(m.instances![0].authentication).to.deep.equal({});
    expect(render(m).text).to.include('    authentication {\n    }\n');
  });

  it('keeps the first of a repeated notify, as keepalived does ("already specified - ignoring")', () => {
    const text = 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n 192.0.2.1\n }\n notify_master "/bin/true a"\n notify_master "/bin/false b"\n}\n';
    expect(keepalivedTest(text).output).to.include('notify_master script already specified - ignoring /bin/false b');
    expect(fromTree(parseConf(text, 'f')).instances![0].notify_master).to.equal('/bin/true a');
  });
});
