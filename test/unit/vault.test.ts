// Ansible Vault: files made by the real ansible-vault (test/fixtures/vault/make.sh)
// decrypt to the values make.sh encrypted; without a password, or with a wrong
// one, every place ciphertext can appear is a located error.

import { expect } from 'chai';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInputFile } from '../../core/input-file.js';
import { configureVault, parseVaultId, resetVault } from '../../core/vault/passwords.js';
import { clearSecrets, isSecretValue } from '../../core/vault/secrets.js';
import { parseYaml } from '../../core/yaml.js';
import { runCase } from '../harness/hostile.js';

const V = fileURLToPath(new URL('../fixtures/vault/', import.meta.url));
const f = (n: string) => join(V, n);
const noTty = () => {
  throw new Error('no terminal');
};

describe('vault', () => {
  afterEach(() => {
    resetVault();
    clearSecrets();
  });

  it('decrypts !vault values of format 1.1 and 1.2 (labelled) made by ansible-vault encrypt_string, and marks them secret', () => {
    configureVault([parseVaultId(f('pass.txt')), parseVaultId(`prod@${f('prod-pass.txt')}`)], false, noTty);
    const v = parseYaml(readInputFile(f('vars-strings.yml')), 'vars-strings.yml');
    expect(v).to.deep.equal({ auth_pass: 'k33p-S3cret!', db_pass: 'db pass with spaces & ünïcode', multi: 'two\nlines', plain: 'visible' });
    expect(isSecretValue('k33p-S3cret!')).to.equal(true);
    expect(isSecretValue('visible')).to.equal(false);
  });

  it('decrypts whole files made by ansible-vault encrypt, with a password script and with ANSIBLE_VAULT_PASSWORD_FILE', () => {
    configureVault([parseVaultId(f('pass-script.sh'))], false, noTty);
    expect(parseYaml(readInputFile(f('vars-file.yml')), 'x')).to.deep.equal({ secret_vrid: 42, secret_list: ['a', 'b'], secret_text: 'vault-file-secret' });
    configureVault([], false, noTty, { ANSIBLE_VAULT_PASSWORD_FILE: f('prod-pass.txt') });
    expect(parseYaml(readInputFile(f('vars-prod.yml')), 'x')).to.deep.equal({ prod_token: 'prod-file-secret' });
    expect(isSecretValue('prod_token: "prod-file-secret"\n')).to.equal(true);
  });

  it('refuses ciphertext without a password, with a wrong one, and --ask-vault-pass without a terminal', () => {
    expect(() => readInputFile(f('vars-file.yml'))).to.throw(/vars-file\.yml:1:1: this file is encrypted with Ansible Vault and no vault password was given/);
    expect(() => parseYaml(readInputFile(f('vars-strings.yml')), 'vs.yml')).to.throw(/vs\.yml:2:\d+: YAML: this value is encrypted with Ansible Vault and no vault password/);
    configureVault([parseVaultId(f('prod-pass.txt'))], false, noTty);
    expect(() => readInputFile(f('vars-file.yml'))).to.throw(/could not be decrypted with the vault password given/);
    expect(() => configureVault([], true, noTty)).to.throw(/no terminal/);
  });

  describe('through rb check (unreachable hosts)', function () {
    this.timeout(20_000);
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'rb-vault-'));
      for (const n of ['vars-strings.yml', 'vars-file.yml', 'vars-prod.yml']) copyFileSync(f(n), join(dir, n));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const playbook = `- hosts: lb01
  vars_files: [${'%DIR%'}/../VDIR/vars-file.yml]
  tasks:
    - assert:
        that:
          - auth_pass == 'k33p-S3cret!'
          - db_pass == 'db pass with spaces & ünïcode'
          - secret_vrid == 42
          - prod_token == 'prod-file-secret'
`;
    const run = (args: string[]) => runCase({ file: 'vault', name: 'vault', playbook: playbook.replace('%DIR%/../VDIR', dir), exit: 0, args: ['-e', `@${join(dir, 'vars-strings.yml')}`, '-e', `@${join(dir, 'vars-prod.yml')}`, ...args] });

    it('uses the decrypted values of vars files and -e files (assert holds on the controller)', async () => {
      const r = await run(['--vault-id', `prod@${f('prod-pass.txt')}`, '--vault-password-file', f('pass.txt')]);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(/lb01 .*ok=1 .*failed=0/);
      expect(r.stderr).to.not.match(/encrypted|decrypt/);
      expect(r.stdout + r.stderr).to.not.include('ANSIBLE_VAULT');
      rmSync(r.dir, { recursive: true, force: true });
    });

    it('without a password, exits 1 with a located error and contacts nothing', async () => {
      const r = await run([]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/vars-strings\.yml:2:\d+: YAML: this value is encrypted with Ansible Vault/);
      expect(r.stdout).to.not.match(/^TASK/m);
      rmSync(r.dir, { recursive: true, force: true });
    });

    it('--ask-vault-pass with no terminal on stdin is refused', async () => {
      const r = await run(['--ask-vault-pass']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include('--ask-vault-pass needs a terminal');
      rmSync(r.dir, { recursive: true, force: true });
    });
  });
  it('fixtures were made by ansible-vault (headers as it writes them)', () => {
    expect(readFileSync(f('vars-prod.yml'), 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    expect(readFileSync(f('vars-file.yml'), 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
  });
});

describe('input files', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'rb-input-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a UTF-8 BOM; refuses NUL bytes and invalid UTF-8 with their line and column', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'bom.yml'), '\ufeffa: 1\n');
    expect(parseYaml(readInputFile(join(dir, 'bom.yml')), 'bom.yml')).to.deep.equal({ a: 1 });
    writeFileSync(join(dir, 'nul.yml'), 'a: 1\nbb: x\0y\n');
    expect(() => readInputFile(join(dir, 'nul.yml'))).to.throw(/nul\.yml:2:6: the file holds a NUL byte/);
    writeFileSync(join(dir, 'bad.yml'), Buffer.concat([Buffer.from('a: 1\nb: é'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
    expect(() => readInputFile(join(dir, 'bad.yml'))).to.throw(/bad\.yml:2:5: the file is not valid UTF-8/);
  });

  it('refuses a directory, a FIFO and a device without opening them', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(() => readInputFile(join(dir, 'fifo'), 'playbook')).to.throw(/fifo:1:1: cannot read playbook: it is a FIFO/);
    expect(() => readInputFile(dir, 'playbook')).to.throw(/cannot read playbook: it is a directory/);
    expect(() => readInputFile('/dev/zero', 'vars file')).to.throw(/cannot read vars file: it is a device/);
  });

  it('bounds alias bombs and deep nesting; locates unresolved aliases and bad merge keys', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`)].join('\n');
    expect(() => parseYaml(bomb, 'bomb.yml')).to.throw(/bomb\.yml:1:1: YAML: too many alias expansions/);
    expect(() => parseYaml(`a: ${'['.repeat(3000)}${']'.repeat(3000)}`, 'deep.yml')).to.throw(/deep\.yml:1:\d+: YAML: nesting deeper than/);
    expect(() => parseYaml(Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i)}-`).join('\n'), 'deep.yml')).to.throw(/nesting deeper than/);
    expect(() => parseYaml('a: 1\nb: *nope\n', 'alias.yml')).to.throw(/alias\.yml:2:4: YAML: unresolved alias \*nope/);
    expect(() => parseYaml('a: 1\nb:\n  <<: 5\n', 'merge.yml')).to.throw(/merge\.yml:3:3: YAML: a merge key/);
  });
});
