// Package facts parser on dpkg-query + apt-cache policy output captured on
// this machine (rsync installed, nginx not), plus the malformed cases.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { packageFactsCommand, parsePackageFacts } from '../../../modules/package/facts.js';

const CAPTURED = readFileSync(join(import.meta.dirname, 'captured/apt-rsync-nginx.txt'), 'utf8');

describe('package facts', () => {
  it('reads installed versions and candidates from captured apt output', () => {
    expect(parsePackageFacts(['rsync', 'nginx'], CAPTURED)).to.deep.equal({
      manager: 'apt',
      installed: { rsync: '3.5.0+ds1-0+deb12u1', nginx: null },
      candidate: { rsync: '3.5.0+ds1-0+deb12u1', nginx: '1.22.1-9+deb12u11' },
    });
  });

  it('treats removed-but-configured packages as not installed and "(none)" as no candidate', () => {
    const out = 'manager apt\nnginx\tdeinstall ok config-files\t1.22\n@@candidates\nnginx:\n  Installed: (none)\n  Candidate: (none)\n';
    expect(parsePackageFacts(['nginx'], out)).to.deep.equal({ manager: 'apt', installed: { nginx: null }, candidate: { nginx: null } });
  });

  it('reads rpm lines and skips "is not installed"', () => {
    const out = 'manager dnf\nkeepalived\t2.2.8-3.el9\npackage ipvsadm is not installed\n';
    expect(parsePackageFacts(['keepalived', 'ipvsadm'], out)).to.deep.equal({ manager: 'dnf', installed: { keepalived: '2.2.8-3.el9', ipvsadm: null } });
  });

  it('refuses malformed output', () => {
    expect(() => parsePackageFacts(['rsync'], 'rsync\tinstall ok installed\t3\n')).to.throw(/expected "manager \.\.\." first/);
    expect(() => parsePackageFacts(['rsync'], 'manager apt\nrsync 3.5\n')).to.throw(/line 2: expected "name<TAB>status<TAB>version"/);
  });

  it('asks apt-cache policy only when candidates are needed, in the C locale', () => {
    expect(packageFactsCommand(['rsync'], 'none')).to.not.include('apt-cache');
    expect(packageFactsCommand(['rsync', 'nginx'], 'all')).to.include('LC_ALL=C apt-cache policy rsync nginx');
  });

  // Run by this machine's own sh, dpkg-query and apt-cache (apt is installed here;
  // dpkg itself is; the bogus name is never installed).
  it('asks the repositories only about the packages not installed (a real sh and dpkg-query)', () => {
    const run = (names: string[]) => execFileSync('sh', ['-c', packageFactsCommand(names, 'missing')], { encoding: 'utf8' });
    const converged = run(['dpkg', 'coreutils']);
    expect(converged).to.not.include('@@candidates');
    expect(parsePackageFacts(['dpkg', 'coreutils'], converged).installed.dpkg).to.match(/^\d/);
    const missing = run(['dpkg', 'rb-no-such-package']);
    expect(missing).to.include('@@candidates');
    expect(missing).to.not.match(/^dpkg:$/m);
    const facts = parsePackageFacts(['dpkg', 'rb-no-such-package'], missing);
    expect(facts.installed['rb-no-such-package']).to.equal(null);
    expect(facts.candidate).to.deep.include({ 'rb-no-such-package': null });
  });

  it('reads the age of apt\'s index when cache_valid_time asks for it (a real sh and stat)', () => {
    const out = execFileSync('sh', ['-c', packageFactsCommand(['dpkg'], 'missing', true)], { encoding: 'utf8' });
    expect(out.split('\n')[1]).to.match(/^cache-age \d+$/);
    const facts = parsePackageFacts(['dpkg'], out);
    expect(facts.cacheAge).to.be.a('number').and.at.least(0);
    expect(facts.installed.dpkg).to.match(/^\d/);
    expect(parsePackageFacts(['dpkg'], execFileSync('sh', ['-c', packageFactsCommand(['dpkg'], 'missing')], { encoding: 'utf8' }))).to.not.have.property('cacheAge');
  });
});
