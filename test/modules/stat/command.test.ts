// stat's and slurp's commands run by this machine's own sh, stat and base64 on
// files made here; the values are compared with Node's lstat, its hashes and
// its base64 (an oracle independent of the parser).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import stat, { parseStat, statCommand, type StatParams } from '../../../modules/stat.js';
import slurp, { slurpCommand } from '../../../modules/slurp.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-stat-'));
const file = join(dir, 'keepalived.conf');
const body = 'vrrp_instance VI_1 {\n  priority 150\n}\n';
writeFileSync(file, body);
chmodSync(file, 0o4751);
symlinkSync(file, join(dir, 'link'));
mkdirSync(join(dir, 'sub'));
after(() => rmSync(dir, { recursive: true, force: true }));

const params = (path: string, more: Partial<StatParams> = {}): StatParams => ({ path, follow: false, get_checksum: true, checksum_algorithm: 'sha1', ...more });
const sh = (cmd: string) => {
  try {
    return { code: 0, stdout: execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }) };
  } catch (e) {
    return { code: (e as { status: number }).status, stdout: '' };
  }
};
const statOf = (p: StatParams) => parseStat(p, sh(statCommand(p)).stdout);

describe('stat on real files', () => {
  it('describes a regular file as Node sees it, with Ansible\'s mode string, bits and sha1', () => {
    const s = statOf(params(file));
    const st = lstatSync(file);
    expect(s).to.deep.include({
      exists: true, path: file, mode: '4751', isreg: true, isdir: false, islnk: false,
      size: st.size, uid: st.uid, gid: st.gid, inode: st.ino, nlink: st.nlink, mtime: Math.floor(st.mtimeMs / 1000),
      rusr: true, wusr: true, xusr: true, rgrp: true, wgrp: false, xgrp: true, roth: false, woth: false, xoth: true, isuid: true, isgid: false,
      pw_name: userInfo().username, readable: true,
      checksum: createHash('sha1').update(body).digest('hex'),
    });
  });

  it('takes the checksum algorithm, and leaves the checksum out when asked', () => {
    expect(statOf(params(file, { checksum_algorithm: 'sha256' })).checksum).to.equal(createHash('sha256').update(body).digest('hex'));
    expect(statOf(params(file, { get_checksum: false }))).to.not.have.property('checksum');
  });

  it('describes a link itself, or its target with follow', () => {
    const link = join(dir, 'link');
    const s = statOf(params(link));
    expect(s).to.deep.include({ islnk: true, isreg: false, lnk_target: file, lnk_source: file, mode: '0777' });
    expect(statOf(params(link, { follow: true }))).to.deep.include({ islnk: false, isreg: true, mode: '4751' });
  });

  it('says a directory is one and a missing path does not exist', () => {
    expect(statOf(params(join(dir, 'sub')))).to.deep.include({ exists: true, isdir: true, isreg: false });
    expect(statOf(params(join(dir, 'no such file')))).to.deep.equal({ exists: false });
  });

  it('registers {stat: ...} as Ansible does', () => {
    const f = statOf(params(file));
    expect(stat.registers!(params(file), f)).to.deep.equal({ stat: f });
  });

  it('refuses output it cannot read', () => {
    expect(() => parseStat(params(file), 'garbage\n')).to.throw(/expected the stat line first/);
  });
});

describe('slurp on real files', () => {
  it('reads the content base64-encoded, exactly as Node encodes it', () => {
    const r = sh(slurpCommand({ src: file }));
    const facts = slurp.factsQuery!({ host: 'h' } as never, { src: file }) as { parse: (r: object) => { content: string } };
    const f = facts.parse({ ...r, stderr: '', durationMs: 0 });
    expect(f.content).to.equal(Buffer.from(body).toString('base64'));
    expect(slurp.registers!({ src: file }, f)).to.deep.equal({ content: Buffer.from(body).toString('base64'), encoding: 'base64', source: file });
  });

  it('fails on a missing file and on a directory, naming the path', () => {
    const q = (src: string) => slurp.factsQuery!({ host: 'h' } as never, { src }) as { parse: (r: object) => unknown };
    const missing = join(dir, 'none');
    expect(() => q(missing).parse({ ...sh(slurpCommand({ src: missing })), stderr: '', durationMs: 0 })).to.throw(`file not found: ${missing}`);
    const sub = join(dir, 'sub');
    expect(() => q(sub).parse({ ...sh(slurpCommand({ src: sub })), stderr: '', durationMs: 0 })).to.throw('source is a directory');
  });
});
