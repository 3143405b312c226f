// known_hosts parsing and matching against files written by the real
// ssh-keygen (plain and `ssh-keygen -H` hashed) and the lookups `ssh-keygen -F`
// made on them (test/fixtures/transport/README.md says how they were made).

import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkHostKey,
  entryMatchesHost,
  fingerprint,
  keyTypeOf,
  knownHostLine,
  knownHostName,
  knownKeyTypes,
  parseKnownHosts,
} from '../../core/transport/known-hosts.js';
import { hostKeyVerifier, preferredAlgorithms } from '../../core/transport/host-key-check.js';

const dir = join(import.meta.dirname, '../fixtures/transport');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');
const pub = (name: string) => Buffer.from(read(`keys/${name}.pub`).split(' ')[1], 'base64');

/** `ssh-keygen -F` output → name → line numbers it reported. */
function lookups(file: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let cur = '';
  for (const l of read(file).split('\n')) {
    if (l.startsWith('== ')) out.set((cur = l.slice(3)), []);
    const m = /found: line (\d+)/.exec(l);
    if (m) out.get(cur)!.push(Number(m[1]));
  }
  return out;
}

describe('transport: known_hosts', () => {
  for (const file of ['known_hosts', 'known_hosts.hashed']) {
    it(`${file}: matches the same lines as ssh-keygen -F`, () => {
      const { entries, problems } = parseKnownHosts(read(file), file);
      expect(problems).to.deep.equal([]);
      const expected = lookups(`lookups.${file}.txt`);
      expect(expected.size).to.equal(8);
      for (const [name, lines] of expected) {
        const ours = entries.filter((e) => entryMatchesHost(e, name)).map((e) => e.line);
        expect(ours, name).to.deep.equal(lines);
      }
    });
  }

  it('hashed entries carry salt and hash; wildcard lines stay plain as ssh-keygen -H leaves them', () => {
    const { entries } = parseKnownHosts(read('known_hosts.hashed'), 'h');
    expect(entries.filter((e) => e.hashed).map((e) => e.line)).to.deep.equal([2, 3, 4, 9]);
    expect(entries.find((e) => e.line === 5)!.patterns).to.deep.equal(['*.lab.example', '!bad.lab.example']);
  });

  it('fingerprints are the ones ssh-keygen -l prints', () => {
    for (const line of read('fingerprints.txt').trim().split('\n')) {
      const [, fp, name] = line.split(' ');
      expect(fingerprint(pub(name)), name).to.equal(fp);
    }
  });

  it('reads the key type inside the blob for ed25519, ecdsa and rsa', () => {
    expect(keyTypeOf(pub('web1'))).to.equal('ssh-ed25519');
    expect(keyTypeOf(pub('web2'))).to.equal('ecdsa-sha2-nistp256');
    expect(keyTypeOf(pub('lab'))).to.equal('ssh-rsa');
    expect(keyTypeOf(Buffer.from('nonsense'))).to.equal(undefined);
  });

  it('names non-22 ports in brackets', () => {
    expect(knownHostName('web1', 22)).to.equal('web1');
    expect(knownHostName('192.0.2.10', 2222)).to.equal('[192.0.2.10]:2222');
  });

  describe('checkHostKey', () => {
    for (const file of ['known_hosts', 'known_hosts.hashed']) {
      const { entries } = parseKnownHosts(read(file), file);
      it(`${file}: ok, mismatch, unknown, revoked, wildcard and negation`, () => {
        expect(checkHostKey(entries, 'web1', pub('web1')).status).to.equal('ok');
        expect(checkHostKey(entries, '192.0.2.10', pub('web1')).status).to.equal('ok');
        expect(checkHostKey(entries, '[web2]:2222', pub('web2')).status).to.equal('ok');
        // same name on another port is another host
        expect(checkHostKey(entries, 'web2', pub('web2'))).to.deep.equal({ status: 'unknown', otherTypes: [] });
        const mm = checkHostKey(entries, 'web1', pub('other'));
        expect(mm.status).to.equal('mismatch');
        expect(mm.status === 'mismatch' && mm.entries.map((e) => e.file)).to.deep.equal([file]);
        expect(checkHostKey(entries, 'x.lab.example', pub('lab')).status).to.equal('ok');
        expect(checkHostKey(entries, 'bad.lab.example', pub('lab')).status).to.equal('unknown');
        // also listed as a plain entry on line 8/9: revocation wins
        expect(checkHostKey(entries, 'revoked.example', pub('revoked')).status).to.equal('revoked');
        // a cert-authority key is not a host key
        expect(checkHostKey(entries, 'any.example', pub('ca')).status).to.equal('unknown');
      });
    }

    it('unknown key type for a known host reports the types that are known', () => {
      const { entries } = parseKnownHosts(read('known_hosts'), 'k');
      expect(checkHostKey(entries, 'x.lab.example', pub('other'))).to.deep.equal({ status: 'unknown', otherTypes: ['ssh-rsa'] });
    });
  });

  it('offers the host-key algorithms of known types first', () => {
    const { entries } = parseKnownHosts(read('known_hosts.hashed'), 'k');
    expect(knownKeyTypes(entries, '[web2]:2222')).to.deep.equal(['ecdsa-sha2-nistp256']);
    expect(preferredAlgorithms(['ssh-rsa']).slice(0, 4)).to.deep.equal(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    expect(preferredAlgorithms([])[0]).to.equal('ssh-ed25519');
  });

  it('writes the line OpenSSH writes for accept-new', () => {
    const line = knownHostLine('[127.0.0.1]:2222', pub('web1'));
    expect(line).to.equal(`[127.0.0.1]:2222 ${read('keys/web1.pub').split(' ').slice(0, 2).join(' ')}`);
    const { entries } = parseKnownHosts(line, 'x');
    expect(checkHostKey(entries, '[127.0.0.1]:2222', pub('web1')).status).to.equal('ok');
  });

  it('reports malformed lines with file and line and keeps the good ones', () => {
    const { entries, problems } = parseKnownHosts(read('known_hosts.malformed'), 'bad_hosts');
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).to.deep.equal([
      'bad_hosts:2: expected "hosts keytype base64-key"',
      'bad_hosts:3: unknown marker @bogus',
      'bad_hosts:4: key does not decode as ssh-rsa',
      'bad_hosts:5: malformed hashed host name',
      'bad_hosts:6: key does not decode as ssh-ed25519',
    ]);
    expect(entries.map((e) => e.line)).to.deep.equal([7]);
  });

  it('a known_hosts file read for one host is re-read once it changes (the parse is shared across hosts)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'rb-kh-'));
    try {
      const file = join(tmp, 'known_hosts');
      const target = { address: 'web1', port: 22, mode: 'strict' as const, knownHostsFile: file };
      writeFileSync(file, `${knownHostLine('web1', pub('web1'))}\n`);
      expect(await (await hostKeyVerifier(target)).verify(pub('web1'))).to.equal(null);
      expect(await (await hostKeyVerifier(target)).verify(pub('web1'))).to.equal(null);
      writeFileSync(file, `${knownHostLine('web1', pub('web2'))}\n# the key changed\n`);
      expect(await (await hostKeyVerifier(target)).verify(pub('web1'))).to.match(/host key of web1 is not known \(known only as ecdsa-sha2-nistp256\)/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
