// Bad inventories: every problem is reported at once, each with file:line:col.

import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, formatProblem } from '../../core/errors.js';
import { runInventoryCommand } from '../../core/inventory/cli.js';
import { loadInventory } from '../../core/inventory/index.js';

const ERRORS = fileURLToPath(new URL('../fixtures/inventory/errors/', import.meta.url));

async function problemsOf(sources: string[]): Promise<string[]> {
  try {
    await loadInventory(sources);
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => formatProblem(p).replace(ERRORS, ''));
  }
  throw new Error(`${sources.join(', ')} loaded without error`);
}

describe('inventory errors', () => {
  it('locates a YAML syntax error', async () => {
    expect(await problemsOf([join(ERRORS, 'bad-syntax.yml')])).to.deep.equal([
      'bad-syntax.yml:5:1: YAML: All mapping items must start at the same column',
    ]);
  });

  it('reports every structural mistake of a YAML inventory, with its field path', async () => {
    expect(await problemsOf([join(ERRORS, 'bad-structure.yml')])).to.deep.equal([
      'bad-structure.yml:2:3: lvs.host: unknown key "host" in group "lvs" (did you mean "hosts"?)',
      'bad-structure.yml:7:9: lvs.children.realservers.hosts["rs[01:x]"]: host range "[01:x]" must use equal-length begin and end (zero padding)',
      'bad-structure.yml:8:15: lvs.children.realservers.hosts.rs09: variables of host "rs09" must be a mapping, got a list',
      'bad-structure.yml:9:5: lvs.children.lvs: group "lvs" cannot be its own child',
      'bad-structure.yml:11:29: lvs.vars.ansible_group_priority: ansible_group_priority must be an integer, got "high"',
      'bad-structure.yml:12:6: web: group "web" must be a mapping with hosts, children or vars, got a list',
    ]);
  });

  it('reports every bad line of an INI inventory, in line order', async () => {
    expect(await problemsOf([join(ERRORS, 'bad.ini')])).to.deep.equal([
      'bad.ini:3:1: expected key=value host variable, got "priority"',
      'bad.ini:4:1: section [directors:child] has unknown type "child" (expected children or vars)',
      'bad.ini:6:1: invalid section header "[ real servers ]": no spaces or other characters are allowed in [group] or [group:type]',
      'bad.ini:9:1: host range "[05:1]" must use equal-length begin and end (zero padding)',
      'bad.ini:10:1: cannot split host line "rs10 note="unterminated": no closing quotation',
      'bad.ini:11:1: invalid host "rs11:": a trailing ":" is reserved for a port number',
      'bad.ini:12:1: section [monitoring:vars] is for a group that is not defined in this file: monitoring',
      'bad.ini:15:1: section [directors:children] names a group that is never defined: ha_pair',
      'bad.ini:17:1: ansible_group_priority must be an integer, got "high"',
    ]);
  });

  it('reports broken group_vars and host_vars files', async () => {
    expect(await problemsOf([join(ERRORS, 'vars-dir')])).to.deep.equal([
      'vars-dir/group_vars/all.yml:1:1: a variables file must hold a mapping, got a list',
      'vars-dir/host_vars/lb01.yml:2:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports problems of several sources together', async () => {
    const got = await problemsOf([join(ERRORS, 'bad-syntax.yml'), join(ERRORS, 'nosuch.yml'), join(ERRORS, 'bad.ini')]);
    expect(got[0]).to.match(/^bad-syntax\.yml:5:1: /);
    expect(got[1]).to.equal('inventory source not found: nosuch.yml');
    expect(got.filter((p) => p.startsWith('bad.ini:'))).to.have.length(9);
  });

  describe('loops and unsupported sources', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'rb-inventory-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses a group loop across sections', async () => {
      writeFileSync(join(dir, 'hosts'), '[a:children]\nb\n[b:children]\na\n');
      expect(await problemsOf([join(dir, 'hosts')])).to.deep.equal([
        `${join(dir, 'hosts')}:4:1: adding group "a" as a child of "b" creates a loop`,
      ]);
    });

    it('refuses inventory plugin configurations and TOML', async () => {
      writeFileSync(join(dir, 'aws.yml'), 'plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n');
      writeFileSync(join(dir, 'hosts.toml'), '[web]\n');
      const got = await problemsOf([join(dir, 'aws.yml'), join(dir, 'hosts.toml')]);
      expect(got.map((p) => p.replace(`${dir}/`, ''))).to.deep.equal([
        'aws.yml:1:9: plugin: inventory plugin configurations (plugin: amazon.aws.aws_ec2) are not supported; list hosts and groups instead',
        'hosts.toml:1:1: TOML inventories are not supported: use YAML or INI',
      ]);
    });
  });

  describe('secrets', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'rb-inventory-'));
      mkdirSync(join(dir, 'group_vars', 'all'), { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses Ansible Vault ciphertext instead of using it as the value', async () => {
      writeFileSync(join(dir, 'hosts.yml'), 'lvs:\n  vars:\n    auth_pass: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      6162\n  hosts:\n    lb01:\n');
      writeFileSync(join(dir, 'group_vars', 'all', 'vault.yml'), '$ANSIBLE_VAULT;1.1;AES256\n3132\n');
      writeFileSync(join(dir, 'group_vars', 'all', 'main.yml'), 'keys:\n  - !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n    6162\n');
      const got = (await problemsOf([join(dir, 'hosts.yml')])).map((p) => p.replace(`${dir}/`, ''));
      const vault = 'is encrypted with Ansible Vault and no vault password was given (--vault-password-file, --vault-id or --ask-vault-pass)';
      expect(got).to.deep.equal([
        `hosts.yml:3:16: YAML: this value ${vault}`,
        `group_vars/all/main.yml:2:5: YAML: this value ${vault}`,
        `group_vars/all/vault.yml:1:1: this file ${vault}`,
      ]);
    });

    it('does not repeat a misplaced value in an error', async () => {
      writeFileSync(join(dir, 'hosts.yml'), 'db:\n  hosts:\n    db01: hunter2\n');
      const got = await problemsOf([join(dir, 'hosts.yml')]);
      expect(got).to.have.length(1);
      expect(got[0]).to.match(/variables of host "db01" must be a mapping, got a string$/);
      expect(got[0]).to.not.include('hunter2');
    });
  });

  it('makes `rb inventory` exit 1 with the located errors', async () => {
    let err = '';
    const code = await runInventoryCommand(['-i', join(ERRORS, 'bad-syntax.yml'), '--list'], { out: () => {}, err: (t) => (err += t) });
    expect(code).to.equal(1);
    expect(err).to.equal(`rb inventory: ${join(ERRORS, 'bad-syntax.yml')}:5:1: YAML: All mapping items must start at the same column\n`);
  });

  it('makes `rb inventory` exit 1 on bad arguments', async () => {
    let err = '';
    const io = { out: () => {}, err: (t: string) => (err += t) };
    expect(await runInventoryCommand(['--list'], io)).to.equal(1);
    expect(err).to.match(/^rb inventory: no inventory given: use -i FILE\|DIR\nusage:/);
    err = '';
    expect(await runInventoryCommand(['-i', join(ERRORS, 'vars-dir'), '--list', '--graph'], io)).to.equal(1);
    expect(err).to.match(/give exactly one of --list, --graph or --host/);
  });
});
