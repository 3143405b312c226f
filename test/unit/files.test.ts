// Pure parts of core/files: the fact parser on output captured from the real
// tools (stat, base64, sha256sum, readlink on Debian 12, in a lab host), the install script,
// the backup naming, the unified diff and the attribute planning.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { fileFactsCommand, parseFileFacts } from '../../core/files/facts.js';
import { backupPath, backupStamp, installScript, restoreCommand, restoreNewestBackupCommand, sha256 } from '../../core/files/write.js';
import { diffLines, unifiedDiff } from '../../core/files/diff.js';
import { attrChanges, modeProblem, normalizeMode, resolveMode } from '../../core/files/attrs.js';

const CAPTURED = readFileSync(join(import.meta.dirname, '../modules/file/captured/file-facts.txt'), 'utf8');
const D = '/tmp/rb-capture';
const PATHS = [`${D}/it's a file`, `${D}/empty`, `${D}/sub`, `${D}/link`, `${D}/fifo`, `${D}/bin`, `${D}/missing`, `${D}/big`];

describe('file facts', () => {
  it('parses captured output of every kind of path', () => {
    const f = parseFileFacts(PATHS, CAPTURED);
    expect(f[PATHS[0]]).to.deep.equal({ path: PATHS[0], exists: true, type: 'file', mode: '0640', owner: 'root', group: 'root', size: 6, sha256: sha256('hello\n'), content: 'hello\n' });
    expect(f[PATHS[1]]).to.include({ type: 'file', size: 0, content: '', sha256: sha256('') });
    expect(f[PATHS[2]]).to.include({ type: 'directory', mode: '0755' }).and.not.have.property('sha256');
    expect(f[PATHS[3]]).to.include({ type: 'link', target: 'sub', mode: '0777' });
    expect(f[PATHS[4]]).to.include({ type: 'other', exists: true });
    expect(f[PATHS[5]]).to.include({ mode: '4755', size: 3, sha256: sha256(Buffer.from([0, 1, 255])) });
    expect(f[PATHS[6]]).to.deep.equal({ path: PATHS[6], exists: false });
    // Over the content limit: the host hashes it (2 MiB of zeros), no content.
    expect(f[PATHS[7]]).to.deep.equal({ path: PATHS[7], exists: true, type: 'file', mode: '0600', owner: 'root', group: 'root', size: 2097152, sha256: '5647f05ec18958947d32874eeb788fa396a05d0bab7c1b71f112ceb7e9b31eee' });
  });

  it("still reads a record carrying both the host's hash and the content (the hash wins)", () => {
    const f = parseFileFacts(['/a'], `@@rb 1\nS 644 root root 6 regular file\nH ${'0'.repeat(64)}  -\nC aGVsbG8K\n`);
    expect(f['/a']).to.include({ sha256: '0'.repeat(64), content: 'hello\n' });
  });

  it('refuses malformed output with the line number', () => {
    expect(() => parseFileFacts(PATHS, '@@rb 1\nS 64x root root 6 regular file\n')).to.throw(/line 2: cannot read stat output/);
    expect(() => parseFileFacts(PATHS, 'S 644 root root 6 regular file\n')).to.throw(/line 1: data before any record/);
    expect(() => parseFileFacts(PATHS.slice(0, 1), '@@rb 2\n')).to.throw(/record 2 for 1 paths/);
  });

  it('builds one command for all paths, every path quoted', () => {
    const cmd = fileFactsCommand(['/etc/a b', "/x'y"]);
    expect(cmd.startsWith(`set -- '/etc/a b' '/x'\\''y'; i=0; for p in "$@"; do`)).to.equal(true);
    expect(cmd).to.not.include('base64');
    expect(fileFactsCommand(['/a'], { withContent: true })).to.include('base64 -w0');
    // At most two processes per file: one stat, then base64 or sha256sum.
    expect(fileFactsCommand(['/a'], { withContent: true }).match(/\bstat -c/g)).to.have.length(1);
  });
});

describe('installFile script', () => {
  it('writes the temp file, sets attributes, validates, backs up and renames, in that order', () => {
    const s = installScript({ path: '/etc/keepalived/keepalived.conf', tmp: '/etc/keepalived/.rb-tmp-0a', mode: '0640', owner: 'root', group: 'adm', backup: '/etc/keepalived/keepalived.conf.20250101T101010123.rb-bak', validateCommand: 'keepalived -t -f /etc/keepalived/.rb-tmp-0a' });
    // Mode and owner are set on the empty temp file, before the content is written.
    const order = ['umask 077; : > "$tmp"', 'chmod 0640 "$tmp"', 'chown root:adm "$tmp"', 'cat > "$tmp"', 'keepalived -t -f', 'cp -p "$dest" /etc/keepalived/keepalived.conf.20250101T101010123.rb-bak', 'mv -f "$tmp" "$dest"'];
    const at = order.map((o) => s.indexOf(o));
    expect(at.every((i) => i >= 0), JSON.stringify(at)).to.equal(true);
    expect([...at].sort((a, b) => a - b)).to.deep.equal(at);
    // Only this file's backups are rotated: the stamp is matched digit by digit.
    expect(s).to.include(`set -- /etc/keepalived/keepalived.conf.${'[0-9]'.repeat(8)}T${'[0-9]'.repeat(9)}.rb-bak;`);
  });

  it('does not read stdin for empty content, and skips what is not asked', () => {
    const s = installScript({ path: '/a', tmp: '/.rb-tmp-1', empty: true });
    expect(s).to.include(': > "$tmp"').and.not.include('cat >').and.not.include('rb-bak').and.not.include('validator');
  });

  it('names backups with a fixed-width stamp and refuses others', () => {
    expect(backupStamp(new Date('2025-03-04T05:06:07.089Z'))).to.equal('20250304T050607089');
    expect(backupPath('/etc/x', '20250304T050607089')).to.equal('/etc/x.20250304T050607089.rb-bak');
    expect(() => backupPath('/etc/x', '2025')).to.throw(/bad backup stamp/);
  });

  it('restores a backup through a temp file, or removes a file that was new', () => {
    expect(restoreCommand('/etc/x y', null)).to.equal("rm -f -- '/etc/x y'");
    expect(restoreCommand('/etc/x', '/etc/x.1.rb-bak')).to.match(/^cp -p \/etc\/x\.1\.rb-bak \/etc\/\.rb-tmp-[0-9a-f]{12} && mv -f \/etc\/\.rb-tmp-[0-9a-f]{12} \/etc\/x$/);
  });
});

describe('restore of the newest backup (run by sh)', () => {
  const run = (cmd: string) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rb-restore-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts back the newest of several backups with its mode, through a temp file, leaving no temp behind', () => {
    const path = join(dir, "secrets 'x'");
    writeFileSync(path, 'changed\n');
    writeFileSync(backupPath(path, '20260101T000000000'), 'oldest\n');
    writeFileSync(backupPath(path, '20260102T000000000'), 'newest\n');
    chmodSync(backupPath(path, '20260102T000000000'), 0o600);
    writeFileSync(`${path}.20260103.rb-bak`, 'not a backup name rb writes\n');
    const r = run(restoreNewestBackupCommand(path));
    expect(r.status, r.stderr).to.equal(0);
    expect(readFileSync(path, 'utf8')).to.equal('newest\n');
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(readdirSync(dir).filter((f) => f.startsWith('.rb-tmp-'))).to.deep.equal([]);
  });

  it('fails, naming the file, when there is no backup, and leaves the file as it was', () => {
    const path = join(dir, 'conf');
    writeFileSync(path, 'kept\n');
    const r = run(restoreNewestBackupCommand(path));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(`no backup of ${path}`);
    expect(readFileSync(path, 'utf8')).to.equal('kept\n');
  });
});

describe('unified diff', () => {
  it('shows a changed line with context and hunk numbers', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nD\ne\nf\ng\nh\n';
    expect(unifiedDiff(before, after)).to.equal(['--- before', '+++ after', '@@ -1,7 +1,7 @@', ' a', ' b', ' c', '-d', '+D', ' e', ' f', ' g', ''].join('\n'));
  });

  it('splits distant changes into hunks and handles files created from nothing', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n';
    const after = before.replace('l1\n', 'L1\n').replace('l18\n', 'L18\n');
    const d = unifiedDiff(before, after);
    expect(d.match(/^@@/gm)).to.have.length(2);
    expect(d).to.include('@@ -1,5 +1,5 @@').and.include('@@ -16,5 +16,5 @@');
    expect(unifiedDiff('', 'x\n')).to.equal('--- before\n+++ after\n@@ -0,0 +1,1 @@\n+x\n');
    expect(unifiedDiff('same\n', 'same\n')).to.equal('');
    expect(unifiedDiff('a', 'a\n')).to.include('\\ no newline at end of before');
  });

  it('finds a shortest edit script', () => {
    const ops = diffLines(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']);
    expect(ops.filter((o) => o.kind !== ' ')).to.have.length(5); // Myers' example: D = 5
    expect(ops.filter((o) => o.kind !== '+').map((o) => o.line)).to.deep.equal(['a', 'b', 'c', 'a', 'b', 'b', 'a']);
    expect(ops.filter((o) => o.kind !== '-').map((o) => o.line)).to.deep.equal(['c', 'b', 'a', 'b', 'a', 'c']);
  });

  it('stays cheap on a complete rewrite of a large file', () => {
    const a = Array.from({ length: 20000 }, (_, i) => `old ${i}`);
    const b = Array.from({ length: 20000 }, (_, i) => `new ${i}`);
    const t0 = performance.now();
    const ops = diffLines(a, b);
    expect(performance.now() - t0).to.be.below(2000);
    expect(ops).to.have.length(40000);
  });
});

describe('file attributes', () => {
  it('reads modes the way Ansible does: integers are values, strings are octal digits', () => {
    expect(normalizeMode(0o644)).to.equal('0644');
    expect(normalizeMode('644')).to.equal('0644');
    expect(normalizeMode('04755')).to.equal('4755');
    expect(modeProblem('u+x')).to.equal(undefined);
    expect(modeProblem('u=rw,g=r,o=r')).to.equal(undefined);
    expect(modeProblem('u+q')).to.match(/bad symbolic permission for mode: "u\+q"/);
    expect(modeProblem('rw-r--r--')).to.match(/bad symbolic permission/);
    expect(modeProblem('u=rw,,o=r')).to.match(/bad symbolic permission for mode: ""/);
    expect(modeProblem('0999')).to.match(/expected an octal mode/);
    expect(modeProblem(0o10000)).to.match(/out of range/);
    expect(modeProblem(undefined)).to.equal(undefined);
  });

  it('resolves symbolic modes exactly as Ansible does (values captured from AnsibleModule._symbolic_mode_to_octal)', () => {
    const cases = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/symbolic-modes/ansible.json'), 'utf8')) as { mode: string; current: string; directory: boolean; ansible: string }[];
    expect(cases.length).to.be.above(20);
    for (const c of cases) expect(resolveMode(c.mode, c.current, c.directory), `${c.mode} on ${c.current}${c.directory ? ' (directory)' : ''}`).to.equal(c.ansible);
    // A path about to be created starts from what umask 022 gives it.
    expect(resolveMode('u+x', undefined, false)).to.equal('0744');
    expect(resolveMode('go-rx', undefined, true)).to.equal('0700');
    expect(resolveMode(0o640, '0777', false)).to.equal('0640');
  });

  it('plans an octal chmod from a symbolic mode against the current mode, and nothing when it already holds', () => {
    const f = { path: '/f', exists: true, type: 'file' as const, mode: '0600', owner: 'root', group: 'root' };
    expect(attrChanges(f, { mode: 'u=rw,g=r,o=r' }).map((c) => [c.before, c.after, c.commands])).to.deep.equal([['0600', '0644', ['chmod 0644 -- /f']]]);
    expect(attrChanges({ ...f, mode: '0644' }, { mode: 'u=rw,g=r,o=r' })).to.deep.equal([]);
    expect(attrChanges({ ...f, mode: '0555' }, { mode: 'a=rX' })).to.deep.equal([]);
    expect(attrChanges({ ...f, type: 'directory', mode: '0700' }, { mode: 'a=rX' }).map((c) => c.after)).to.deep.equal(['0555']);
  });

  it('plans chmod/chown/chgrp, and -h without chmod for links', () => {
    const link = { path: '/l', exists: true, type: 'link' as const, mode: '0777', owner: 'root', group: 'root' };
    expect(attrChanges(link, { mode: '0644', owner: 'www-data' }).flatMap((c) => c.commands)).to.deep.equal(['chown -h www-data -- /l']);
  });
});
