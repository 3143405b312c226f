import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { liveValuesPart, parseSysctlFacts, parseSysctlOutput, missingKeysError, procPath, sysctlFactsCommand } from '../../modules/sysctl/facts.js';
import { canonicalKey, likelyCause, sameValue } from '../../modules/sysctl/keys.js';
import { parseSysctlConf, updateSysctlConf, confValue, CONF_HEADER } from '../../modules/sysctl/conf.js';
import { readFilePart, sharedPart, splitParts } from '../../core/transport/script-parts.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/sysctl/${name}`, import.meta.url), 'utf8');

describe('sysctl facts', () => {
  const keys = [
    'net.ipv4.conf.lo.arp_ignore',
    'net.ipv4.conf.lo.arp_announce',
    'net.ipv4.conf.all.arp_ignore',
    'net/ipv4/conf/all/arp_announce',
    'net.ipv4.ip_local_port_range',
    'net.ipv4.conf.eth9.arp_ignore',
    'net.ipv4.ip_forward',
  ];

  it('builds one command: the values by shell builtins, the file and the boot files as shared parts', () => {
    const script = sysctlFactsCommand(['net.ipv4.ip_forward', 'net/ipv4/conf/eth0.100/arp_ignore'], '/etc/sysctl.d/90-rb.conf');
    const nonce = /^echo '@@rb-parts ([0-9a-f]{16})'\n/.exec(script)?.[1];
    expect(nonce, 'header line with the nonce').to.be.a('string');
    expect(script).to.contain(`for rb_p in net/ipv4/ip_forward net/ipv4/conf/eth0.100/arp_ignore; do`);
    expect(script).to.contain(sharedPart(readFilePart('/etc/sysctl.d/90-rb.conf')));
    expect(script).to.contain('grep -sHE');
    // Another task's keys on the same file: only the live values differ.
    const other = sysctlFactsCommand(['net.ipv4.conf.lo.arp_ignore'], '/etc/sysctl.d/90-rb.conf');
    const parts = (s: string) => s.split('\n').filter((l) => !l.includes('@@rb-part'));
    expect(parts(other).filter((l) => !parts(script).includes(l))).to.have.length(1);
  });

  const real = ['net.ipv4.ip_forward', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_rmem', 'kernel.ostype', 'net/ipv4/conf/lo/arp_ignore', 'net.ipv4.conf.all.arp_announce'];
  const liveKeys = [...real, 'net.ipv4.conf.eth9.arp_ignore'];
  const sysctlSays = () => parseSysctlOutput(execFileSync('sysctl', real, { encoding: 'utf8' }));

  it('reads the live values under bash exactly as sysctl prints them, with no process; a missing key absent', () => {
    // PATH emptied: a process started by the part would fail, only builtins work.
    const out = execFileSync('bash', ['-c', `PATH=/nonexistent; ${liveValuesPart(liveKeys)}`], { encoding: 'utf8' });
    const ours = parseSysctlOutput(out);
    expect(ours).to.deep.equal(sysctlSays());
    expect(ours.has('net.ipv4.conf.eth9.arp_ignore')).to.equal(false);
    expect(ours.get('net.ipv4.tcp_rmem')).to.match(/^\d+\t\d+\t\d+$/);
  });

  it('reads the live values under dash (whose read cannot take /proc/sys) with sysctl, the same values', () => {
    const { stdout } = spawnSync('dash', ['-c', liveValuesPart(liveKeys)], { encoding: 'utf8' });
    expect(parseSysctlOutput(stdout)).to.deep.equal(sysctlSays());
  });

  it('maps keys to /proc/sys paths, a dot inside an interface name kept', () => {
    expect(procPath('net.ipv4.conf.veth0/5.arp_ignore')).to.equal('net/ipv4/conf/veth0.5/arp_ignore');
    expect(procPath('net/ipv4/conf/veth0.5/arp_ignore')).to.equal('net/ipv4/conf/veth0.5/arp_ignore');
    expect(procPath('net.ipv4.ip_forward')).to.equal('net/ipv4/ip_forward');
  });

  it('reads real output: values by the key as given, a missing key as null, the file verbatim, other boot files', () => {
    const facts = parseSysctlFacts(keys, fixture('facts-missing-key.stdout'));
    expect(facts.values).to.deep.equal({
      'net.ipv4.conf.lo.arp_ignore': '1',
      'net.ipv4.conf.lo.arp_announce': '2',
      'net.ipv4.conf.all.arp_ignore': '1',
      'net/ipv4/conf/all/arp_announce': '2',
      'net.ipv4.ip_local_port_range': '1024\t65000',
      'net.ipv4.conf.eth9.arp_ignore': null,
      'net.ipv4.ip_forward': '0',
    });
    expect(facts.file).to.equal(
      `${CONF_HEADER}\nnet.ipv4.conf.lo.arp_ignore = 1\nnet.ipv4.ip_forward=0\n; a foreign comment\nnet.ipv4.ip_local_port_range = 1024    65000\n`,
    );
    expect(facts.elsewhere).to.deep.equal([
      { file: '/etc/sysctl.d/10-early.conf', key: 'net.ipv4.conf.all.arp_announce', value: '1' },
      { file: '/etc/sysctl.d/90-rb.conf', key: 'net.ipv4.conf.lo.arp_ignore', value: '1' },
      { file: '/etc/sysctl.d/90-rb.conf', key: 'net.ipv4.ip_forward', value: '0' },
      { file: '/etc/sysctl.d/90-rb.conf', key: 'net.ipv4.ip_local_port_range', value: '1024    65000' },
      { file: '/etc/sysctl.d/99-local.conf', key: 'net.ipv4.conf.lo.arp_ignore', value: '0' },
      { file: '/etc/sysctl.d/99-local.conf', key: 'net/ipv4/ip_forward', value: '1' },
    ]);
    expect(fixture('facts-missing-key.stderr')).to.contain('eth9/arp_ignore: No such file');
  });

  it('reads an absent file as null', () => {
    const facts = parseSysctlFacts(['net.ipv4.ip_forward'], fixture('facts-file-absent.stdout'));
    expect(facts).to.deep.equal({ values: { 'net.ipv4.ip_forward': '0' }, file: null, elsewhere: [] });
  });

  it('parses a sysctl -a excerpt, tabs in vectors kept', () => {
    const values = parseSysctlOutput(fixture('sysctl-a-excerpt.txt'));
    expect(values.size).to.equal(71);
    expect(values.get('net.ipv4.tcp_rmem')).to.equal('4096\t131072\t33554432');
    expect(values.get('net.ipv4.conf.all.arp_ignore')).to.equal('0');
  });

  it('refuses malformed output', () => {
    expect(() => parseSysctlOutput('net.ipv4.ip_forward: 1\n')).to.throw(/line 1: cannot read/);
    expect(() => parseSysctlFacts(['a.b'], 'a.b = 1\n')).to.throw(/expected 3 output parts, got no header line/);
    const head = '@@rb-parts 0123456789abcdef\n';
    expect(() => splitParts(head + 'x\n@@rb-part-0123456789abcdef 0\ntrailing', 1)).to.throw(/expected 1 output parts/);
    expect(() => splitParts('x\n@@rb-part-0123456789abcdef 0\n', 1)).to.throw(/no header line/);
    expect(splitParts(head + 'x\n@@rb-part-0123456789abcdef 0\n\n@@rb-part-0123456789abcdef 2\n', 2)).to.deep.equal([
      { out: 'x', code: 0 },
      { out: '', code: 2 },
    ]);
  });

  it('names host, key and likely cause for a missing key', () => {
    const err = missingKeysError('rb2', ['net.ipv4.conf.eth9.arp_ignore', 'net.ipv4.vs.expire_nodest_conn']);
    expect(err.message).to.equal(
      'rb2: 2 sysctl keys do not exist on this host: net.ipv4.conf.eth9.arp_ignore: no network interface "eth9" on this host (check the interface name); ' +
        'net.ipv4.vs.expire_nodest_conn: the IPVS kernel module (ip_vs) is not loaded',
    );
    expect(likelyCause('net/ipv4/conf/eth0.100/arp_ignore')).to.contain('"eth0.100"');
    expect(likelyCause('net.ipv4.conf.all.bogus')).to.contain('misspelt');
  });
});

describe('sysctl keys and values', () => {
  it('canonicalises slash and dot spellings as sysctl prints them', () => {
    expect(canonicalKey('net/ipv4/conf/veth0.5/arp_ignore')).to.equal('net.ipv4.conf.veth0/5.arp_ignore');
    expect(canonicalKey('net.ipv4.conf.veth0/5.arp_ignore')).to.equal('net.ipv4.conf.veth0/5.arp_ignore');
    expect(canonicalKey('net/ipv4/ip_forward')).to.equal('net.ipv4.ip_forward');
  });

  it('compares values by words', () => {
    expect(sameValue(' 1', '1')).to.equal(true);
    expect(sameValue('1024\t65000', '1024 65000')).to.equal(true);
    expect(sameValue('1', '2')).to.equal(false);
    expect(sameValue(null, '0')).to.equal(false);
  });
});

describe('sysctl.d file', () => {
  const text = `${CONF_HEADER}\nnet.ipv4.ip_forward=0\n; theirs\n-net.ipv4.conf.lo.arp_ignore = 1\nnet.ipv4.ip_forward = 1\n`;

  it('parses entries; the last occurrence wins, a leading - is not part of the key', () => {
    const entries = parseSysctlConf(text);
    expect(entries.map((e) => [e.key, e.value, e.line])).to.deep.equal([
      ['net.ipv4.ip_forward', '0', 1],
      ['net.ipv4.conf.lo.arp_ignore', '1', 3],
      ['net.ipv4.ip_forward', '1', 4],
    ]);
    expect(confValue(entries, 'net/ipv4/ip_forward')).to.equal('1');
    expect(confValue(entries, 'net.ipv4.conf.all.arp_ignore')).to.equal(undefined);
  });

  it('updates only the managed keys: first line rewritten, duplicates dropped, others kept, new keys appended', () => {
    expect(updateSysctlConf(text, [['net.ipv4.ip_forward', '1'], ['net.ipv4.conf.all.arp_ignore', '1']], [])).to.equal(
      `${CONF_HEADER}\nnet.ipv4.ip_forward = 1\n; theirs\n-net.ipv4.conf.lo.arp_ignore = 1\nnet.ipv4.conf.all.arp_ignore = 1\n`,
    );
  });

  it('creates the file with a header, and removes it when no setting is left', () => {
    expect(updateSysctlConf(null, [['net.ipv4.ip_forward', '1']], [])).to.equal(`${CONF_HEADER}\nnet.ipv4.ip_forward = 1\n`);
    expect(updateSysctlConf(text, [], ['net.ipv4.ip_forward', 'net.ipv4.conf.lo.arp_ignore'])).to.equal(null);
    expect(updateSysctlConf(text, [], ['net.ipv4.ip_forward'])).to.equal(`${CONF_HEADER}\n; theirs\n-net.ipv4.conf.lo.arp_ignore = 1\n`);
  });
});
