// Kinds of inventory sources, and load time on a realistic 200-host inventory.

import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory, selectHosts } from '../../core/inventory/index.js';
import { inventoryList } from '../../core/inventory/render.js';

describe('inventory sources', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rb-inventory-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a comma-separated host list as ansible-inventory does', async () => {
    const inv = await loadInventory(['lb01,lb02:2222, 10.0.0.1']);
    // ansible-inventory -i 'lb01,lb02:2222, 10.0.0.1' --list, compacted:
    const ansible = {
      _meta: { hostvars: { lb02: { ansible_port: 2222 } } },
      all: { children: ['ungrouped'] },
      ungrouped: { hosts: ['lb01', 'lb02', '10.0.0.1'] },
    };
    expect(inventoryList(inv)).to.deep.equal(ansible);
  });

  it('reads an extension-less file as YAML when it is a YAML mapping, else as INI', async () => {
    writeFileSync(join(dir, 'yaml-hosts'), 'lvs:\n  hosts:\n    lb01:\n');
    writeFileSync(join(dir, 'ini-hosts'), 'rs01\nrs02 weight=3\n');
    const inv = await loadInventory([join(dir, 'yaml-hosts'), join(dir, 'ini-hosts')]);
    expect(selectHosts(inv, 'lvs')).to.deep.equal(['lb01']);
    expect(selectHosts(inv, 'ungrouped')).to.deep.equal(['rs01', 'rs02']);
    expect(inv.hosts.get('rs02')!.vars).to.deep.equal({ weight: 3 });
  });

  describe('a 200-host inventory', () => {
    let inv200: string;
    before(() => {
      inv200 = join(dir, 'big');
      mkdirSync(join(inv200, 'group_vars'), { recursive: true });
      mkdirSync(join(inv200, 'host_vars'), { recursive: true });
      const sections = Array.from({ length: 20 }, (_, g) => {
        const hosts = Array.from({ length: 10 }, (_, h) => `rs${g}-${h} ansible_host=198.18.${g}.${h + 10} weight=${h}`);
        return `[pool${g}]\n${hosts.join('\n')}\n[pool${g}:vars]\nvip=198.19.0.${g}\n`;
      });
      writeFileSync(join(inv200, 'hosts'), `${sections.join('')}[realservers:children]\n${sections.map((_, g) => `pool${g}`).join('\n')}\n`);
      writeFileSync(join(inv200, 'group_vars', 'all.yml'), 'ntp: 198.18.0.1\n');
      writeFileSync(join(inv200, 'group_vars', 'realservers.yml'), 'arp_ignore: 1\n');
      for (let g = 0; g < 20; g++) writeFileSync(join(inv200, 'host_vars', `rs${g}-0.yml`), 'canary: true\n');
    });

    it('loads every host with its merged variables', async () => {
      const inv = await loadInventory([inv200]);
      expect(inv.hosts.size).to.equal(200);
      expect(inv.hosts.get('rs7-0')!.vars).to.deep.equal({
        ansible_host: '198.18.7.10',
        weight: 0,
        vip: '198.19.0.7',
        ntp: '198.18.0.1',
        arp_ignore: 1,
        canary: true,
      });
      expect(selectHosts(inv, 'realservers:!pool3:&rs*-0')).to.have.length(19);
    });

    it('loads in a few milliseconds', async () => {
      await loadInventory([inv200]); // warm up module loading and the file cache
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const start = process.hrtime.bigint();
        await loadInventory([inv200]);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      // The fastest run is the cost without other processes competing for the CPU:
      // about 5 ms here. The bound catches a regression to quadratic work, not noise.
      expect(Math.min(...times)).to.be.below(50);
    });
  });
});
