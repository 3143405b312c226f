// rb adopt for sersync, pure: every confxml.xml fixture adopted, validated as
// a task and planned against the same facts: nothing to change, because the
// plan compares confxml.xml by meaning (the hand-written file is kept). A
// change of meaning (a new remote) is still a rewrite with a restart.

import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateFields } from '../../core/schema/validate.js';
import sersync from '../../modules/sersync/index.js';
import type { SersyncFacts } from '../../modules/sersync/facts.js';
import type { SersyncParams } from '../../modules/sersync/params.js';
import { planSersync } from '../../modules/sersync/plan.js';

const DIR = 'test/fixtures/sersync/real-world';
const CONF = '/usr/local/sersync/confxml.xml';

function facts(content: string | undefined, running = true): SersyncFacts {
  return {
    bins: { sersync: '/usr/local/sersync/sersync2' },
    configs: { sersync: { path: CONF, exists: content !== undefined, content }, lsyncd: { path: '/etc/lsyncd/lsyncd.conf.lua', exists: false } },
    watch: true,
    daemons: { sersync: running ? { running: true, pid: 9, args: `sersync2 -d -r -o ${CONF}` } : { running: false }, lsyncd: { running: false } },
  };
}

function task(params: Record<string, unknown>): SersyncParams {
  const r = validateFields(sersync.params, params, '', {}, sersync.rules);
  expect(r.problems, JSON.stringify(r.problems)).to.deep.equal([]);
  return r.value as unknown as SersyncParams;
}

describe('rb adopt: sersync', () => {
  for (const name of readdirSync(DIR).filter((f) => f.endsWith('.xml'))) {
    it(`${name}: adopted, then planned against the same host: nothing to change`, () => {
      const f = facts(readFileSync(join(DIR, name), 'utf8'));
      const tasks = sersync.adopt!.params(f, 'rl1');
      expect(tasks).to.have.length(1);
      const plan = planSersync(task(tasks[0]), f);
      expect(plan.changes.map((c) => c.kind)).to.deep.equal([]);
    });
  }

  it("the seed's three remotes (in the shipped file) are adopted by address and module; one more remote through the adopted task rewrites the file and restarts", () => {
    // The write-up edits only <localpath> of sersync's shipped confxml.xml.
    const xml = readFileSync(join(DIR, '01-defaults.xml'), 'utf8').replace(
      /<remote ip="192.168.1.12" name="html"\/>/,
      '<remote ip="192.168.1.12" name="html"/>\n<remote ip="192.168.1.13" name="html"/>\n<remote ip="192.168.1.14" name="backup"/>',
    );
    const f = facts(xml);
    const [t] = sersync.adopt!.params(f, 'rl1');
    expect(t).to.deep.include({ engine: 'sersync', watch: '/var/www/html', state: 'started', rsync_options: '-artuz' });
    expect(t.remotes).to.deep.equal([{ ip: '192.168.1.12', module: 'html' }, { ip: '192.168.1.13', module: 'html' }, { ip: '192.168.1.14', module: 'backup' }]);
    const p = task(t);
    expect(planSersync(p, f).changes).to.deep.equal([]);
    const more = task({ ...t, remotes: [...(t.remotes as object[]), { ip: '192.168.1.15', module: 'html' }] });
    expect(planSersync(more, f).changes.map((c) => c.kind)).to.deep.equal(['write-config', 'restart-sersync']);
  });

  it('no confxml.xml, or one sersync cannot read, adopts nothing; a stopped sersync is adopted stopped', () => {
    expect(sersync.adopt!.params(facts(undefined), 'h')).to.deep.equal([]);
    expect(sersync.adopt!.params(facts('<head><sersync>'), 'h')).to.deep.equal([]);
    const [t] = sersync.adopt!.params(facts(readFileSync(join(DIR, '01-defaults.xml'), 'utf8'), false), 'h');
    expect(t.state).to.equal('stopped');
  });
});
