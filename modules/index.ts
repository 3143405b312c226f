// The module registry: every module rb knows, imported explicitly and listed in
// alphabetical order (test/unit/registry.test.ts checks the order, that it
// matches the files in this folder, and that each module has its fixtures).

import type { ModuleDef, ModuleRegistry } from '../core/module.js';
import assert from './assert.js';
import command from './command/index.js';
import copy from './copy/index.js';
import debug from './debug.js';
import file from './file.js';
import heartbeat from './heartbeat/index.js';
import ifalias from './ifalias/index.js';
import iptables_mark from './iptables_mark/index.js';
import ipvs from './ipvs/index.js';
import ldirectord from './ldirectord/index.js';
import lineinfile from './lineinfile/index.js';
import packageModule from './package/index.js';
import rsyncd from './rsyncd/index.js';
import sersync from './sersync/index.js';
import service from './service.js';
import set_fact from './set_fact.js';
import shell from './shell.js';
import sysctl from './sysctl/index.js';
import template from './template.js';
import vrrp from './vrrp/index.js';
import wait_for from './wait_for.js';

export const moduleList: readonly ModuleDef[] = [
  assert,
  command,
  copy,
  debug,
  file,
  heartbeat,
  ifalias,
  iptables_mark,
  ipvs,
  ldirectord,
  lineinfile,
  packageModule,
  rsyncd,
  sersync,
  service,
  set_fact,
  shell,
  sysctl,
  template,
  vrrp,
  wait_for,
];

export const modules: ModuleRegistry = new Map(moduleList.map((m) => [m.name, m]));
