import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consoleExcerpt } from '../../../core/lab/qemu/guest.js';

const failed = readFileSync(join(import.meta.dirname, '../../fixtures/qemu/console-stage1-failed.log'), 'utf8');

describe('lab qemu: console excerpt in boot errors', () => {
  it('keeps the init\'s message and cuts the panic\'s call trace (captured from a failed stage 1)', () => {
    const lines = consoleExcerpt(failed, 3);
    expect(lines[1]).to.equal('rblab stage 1: insmod /modules/*.ko');
    expect(lines[2]).to.match(/^\[ *[\d.]+\] Kernel panic - not syncing: Attempted to kill init!/);
    expect(failed.split('\n').length).to.be.greaterThan(20); // the trace that is left out
  });

  it('strips the firmware\'s escape sequences and blank lines, keeping the last lines', () => {
    const log = '\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1)\r\n\r\nBooting from ROM..one\r\ntwo\r\nthree\r\n';
    expect(consoleExcerpt(log, 2)).to.deep.equal(['two', 'three']);
    expect(consoleExcerpt(log, 10)[0]).to.equal('SeaBIOS (version 1)');
    expect(consoleExcerpt('', 5)).to.deep.equal([]);
  });
});
