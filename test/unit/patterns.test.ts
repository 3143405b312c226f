// Host patterns against what `ansible PATTERN --list-hosts` printed for the
// same inventories (expected/*.patterns.json), plus rb's errors for names
// that match nothing.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../core/errors.js';
import { loadInventory, selectHosts, type Inventory } from '../../core/inventory/index.js';
import { fnmatchToRegex, orderPatterns, splitHostPattern } from '../../core/inventory/patterns.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/inventory/', import.meta.url));

for (const name of ['yaml-lb', 'dir-lb']) {
  const captured: { inventory: string; patterns: Record<string, string[]> } = JSON.parse(
    readFileSync(join(FIXTURES, `expected/${name}.patterns.json`), 'utf8'),
  );
  describe(`host patterns on ${name}, compared with ansible --list-hosts`, () => {
    for (const [pattern, hosts] of Object.entries(captured.patterns)) {
      it(`${pattern} → ${hosts.join(' ') || '(none)'}`, async () => {
        // A fresh inventory per pattern, as each capture was a separate ansible run
        // (selecting the implicit localhost adds it to the inventory).
        const inv = await loadInventory([join(FIXTURES, captured.inventory)]);
        expect(selectHosts(inv, pattern)).to.deep.equal(hosts);
      });
    }
  });
}

describe('host pattern errors', () => {
  let inv: Inventory;
  before(async () => {
    inv = await loadInventory([join(FIXTURES, 'yaml-lb/inventory.yml')]);
  });

  const problems = (pattern: string): string[] => {
    try {
      selectHosts(inv, pattern);
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      return (e as ConfigError).problems.map((p) => p.message);
    }
    throw new Error(`pattern ${pattern} was accepted`);
  };

  it('names an unknown group or host and the close names that exist', () => {
    expect(problems('lvs_mastr')).to.deep.equal([
      'host pattern "lvs_mastr": no group or host is named "lvs_mastr" (did you mean "lvs_master"?)',
    ]);
    expect(problems('rs1')).to.deep.equal([
      'host pattern "rs1": no group or host is named "rs1" (did you mean "rs01", "rs02", "rs03", "rs04"?)',
    ]);
  });

  it('reports every unknown name of a pattern at once, excluded and intersected ones too', () => {
    expect(problems('webb:&realsrvers:!canry')).to.have.length(3);
  });

  it('has no suggestion when nothing is close', () => {
    expect(problems('zzzzzzzz')).to.deep.equal(['host pattern "zzzzzzzz": no group or host is named "zzzzzzzz"']);
  });

  it('accepts wildcards and regexes that match nothing, and empty groups', () => {
    expect(selectHosts(inv, 'nomatch*')).to.deep.equal([]);
    expect(selectHosts(inv, '~^zz')).to.deep.equal([]);
    expect(selectHosts(inv, 'empty_group')).to.deep.equal([]);
  });

  it('selects the implicit localhost by its exact name only, outside `all`', async () => {
    const fresh = await loadInventory([join(FIXTURES, 'yaml-lb/inventory.yml')]);
    expect(selectHosts(fresh, 'lvs:localhost')).to.deep.equal(['lb01', 'lb02', 'localhost']);
    expect(fresh.hosts.get('localhost')).to.deep.include({ name: 'localhost', groups: [] });
    expect(fresh.hosts.get('localhost')!.vars.ansible_connection).to.equal('local');
    expect(selectHosts(fresh, 'all')).to.not.include('localhost');
    expect(selectHosts(fresh, 'local*')).to.deep.equal([]);
    // One implicit localhost, whichever name reached it first.
    expect(selectHosts(fresh, '127.0.0.1')).to.deep.equal(['localhost']);
  });

  it('refuses a subscript past the end, as Ansible does', () => {
    expect(problems('lvs[5]')).to.deep.equal(['host pattern "lvs[5]": no host at index 5 of "lvs" (2 hosts)']);
  });

  it('refuses an invalid regular expression', () => {
    expect(problems('~rs(')[0]).to.match(/^host pattern "~rs\(": invalid regular expression "~rs\("/);
  });
});

describe('host pattern parsing', () => {
  it('splits on commas, else on colons outside ranges and addresses', () => {
    expect(splitHostPattern('a:b:&c:!d')).to.deep.equal(['a', 'b', '&c', '!d']);
    expect(splitHostPattern('web[1:3]:db')).to.deep.equal(['web[1:3]', 'db']);
    expect(splitHostPattern(' a , b[0:1] ,')).to.deep.equal(['a', 'b[0:1]']);
    expect(splitHostPattern('2001:db8::1')).to.deep.equal(['2001:db8::1']);
    expect(splitHostPattern('host.example.com:22')).to.deep.equal(['host.example.com:22']);
  });

  it('applies unions, then intersections, then exclusions; only-! patterns start from all', () => {
    expect(orderPatterns(['!x', '&y', 'a', 'b'])).to.deep.equal(['a', 'b', '&y', '!x']);
    expect(orderPatterns(['!x'])).to.deep.equal(['all', '!x']);
  });

  it('translates shell wildcards like fnmatch', () => {
    const m = (pat: string, name: string) => new RegExp(`^${fnmatchToRegex(pat)}$`, 's').test(name);
    expect(m('web*', 'web01')).to.equal(true);
    expect(m('web?', 'web01')).to.equal(false);
    expect(m('rs0[13]', 'rs03')).to.equal(true);
    expect(m('rs0[!13]', 'rs03')).to.equal(false);
    expect(m('rs0[1-3]', 'rs02')).to.equal(true);
    expect(m('a.b', 'axb')).to.equal(false);
    expect(m('x[', 'x[')).to.equal(true);
    expect(m('WEB*', 'web01')).to.equal(false);
  });
});
