import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKernelPackage } from '../../../core/lab/qemu/kernel-package.js';
import { mergeLoadOrder, parseShowDepends } from '../../../core/lab/qemu/modules.js';
import { bzImagePayload } from '../../../core/lab/qemu/bzimage.js';
import { parsePidRecord } from '../../../core/lab/qemu/guest.js';
import { compareKver } from '../../../core/lab/qemu/kernel.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/qemu', name));
const text = (name: string) => fixture(name).toString('utf8');
const MODS = '/var/tmp/rbproto/x/lib/modules/6.1.0-56-amd64/kernel';

describe('lab qemu: parsers of real tool output', () => {
  describe('parseKernelPackage (apt-cache depends linux-image-amd64)', () => {
    it('finds the ABI package and its kernel release', () => {
      expect(parseKernelPackage(text('apt-cache-depends-linux-image-amd64.txt'))).to.deep.equal({
        name: 'linux-image-6.1.0-56-amd64',
        kver: '6.1.0-56-amd64',
      });
    });
    it('says what it saw when there is no kernel dependency', () => {
      expect(() => parseKernelPackage('linux-image-amd64\n  Recommends: firmware-linux\n')).to.throw(
        /cannot find the kernel package.*Recommends: firmware-linux/,
      );
    });
  });

  describe('parseShowDepends (modprobe --show-depends)', () => {
    it('lists module files dependencies first', () => {
      expect(parseShowDepends(text('modprobe-show-depends-9p.txt'), '9p')).to.deep.equal({
        builtin: false,
        files: [`${MODS}/fs/netfs/netfs.ko`, `${MODS}/fs/fscache/fscache.ko`, `${MODS}/net/9p/9pnet.ko`, `${MODS}/fs/9p/9p.ko`],
      });
    });
    it('knows a built-in module needs no file', () => {
      expect(parseShowDepends(text('modprobe-show-depends-unix-builtin.txt'), 'unix')).to.deep.equal({ builtin: true, files: [] });
    });
    it('rejects a line it does not understand', () => {
      expect(() => parseShowDepends('modprobe: FATAL: Module nosuch not found\n', 'nosuch')).to.throw(/unexpected line.*nosuch/);
    });
    it('merges load lists keeping the first position of shared dependencies', () => {
      const a = parseShowDepends(text('modprobe-show-depends-virtio_net.txt'), 'virtio_net').files;
      const b = parseShowDepends(text('modprobe-show-depends-9p.txt'), '9p').files;
      const merged = mergeLoadOrder([a, b, a]);
      expect(merged).to.have.length(a.length + b.length);
      expect(merged.slice(0, a.length)).to.deep.equal(a);
    });
  });

  describe('bzImagePayload (Debian bzImage setup header)', () => {
    it('locates the xz payload', () => {
      // setup_sects 39 → protected-mode code at 40*512; payload_offset 716 within it.
      expect(bzImagePayload(fixture('bzimage-6.1.0-56-amd64-head.bin'))).to.deep.equal({
        offset: 40 * 512 + 716,
        length: 8122480,
        compression: 'unknown', // the header sample stops before the payload
      });
    });
    it('sniffs the compression from the payload bytes', () => {
      const head = fixture('bzimage-6.1.0-56-amd64-head.bin');
      const image = Buffer.concat([head, Buffer.alloc(40 * 512 + 716 - head.length), Buffer.from('fd377a585a00', 'hex')]);
      expect(bzImagePayload(image).compression).to.equal('xz');
    });
    it('refuses a file without the HdrS magic', () => {
      expect(() => bzImagePayload(Buffer.alloc(1024))).to.throw(/HdrS/);
    });
  });

  it('parses and rejects pid records', () => {
    expect(parsePidRecord('4330 67365\n')).to.deep.equal({ pid: 4330, startTime: '67365' });
    expect(parsePidRecord('4330')).to.equal(undefined);
  });

  it('orders kernel releases numerically', () => {
    expect(['6.1.0-9-amd64', '6.1.0-56-amd64', '6.1.0-10-amd64'].sort(compareKver)).to.deep.equal([
      '6.1.0-9-amd64',
      '6.1.0-10-amd64',
      '6.1.0-56-amd64',
    ]);
  });
});
