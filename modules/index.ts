// The module registry: every module rb knows, by name, in alphabetical order
// (test/unit/registry.test.ts checks the order, that it matches the files in
// this folder, and that each module has its fixtures). A module's code is
// imported only when a playbook uses it.

import { LazyModuleRegistry, type ModuleLoader } from '../core/module-registry.js';

const loaders: Record<string, ModuleLoader> = {
  assert: async () => (await import('./assert.js')).default,
  blockinfile: async () => (await import('./blockinfile/index.js')).default,
  command: async () => (await import('./command/index.js')).default,
  copy: async () => (await import('./copy/index.js')).default,
  debug: async () => (await import('./debug.js')).default,
  fail: async () => (await import('./fail.js')).default,
  file: async () => (await import('./file.js')).default,
  group: async () => (await import('./group.js')).default,
  heartbeat: async () => (await import('./heartbeat/index.js')).default,
  ifalias: async () => (await import('./ifalias/index.js')).default,
  include_vars: async () => (await import('./include_vars.js')).default,
  iptables_mark: async () => (await import('./iptables_mark/index.js')).default,
  ipvs: async () => (await import('./ipvs/index.js')).default,
  ldirectord: async () => (await import('./ldirectord/index.js')).default,
  lineinfile: async () => (await import('./lineinfile/index.js')).default,
  package: async () => (await import('./package/index.js')).default,
  pause: async () => (await import('./pause.js')).default,
  replace: async () => (await import('./replace/index.js')).default,
  route: async () => (await import('./route/index.js')).default,
  rsyncd: async () => (await import('./rsyncd/index.js')).default,
  sersync: async () => (await import('./sersync/index.js')).default,
  service: async () => (await import('./service.js')).default,
  set_fact: async () => (await import('./set_fact.js')).default,
  setup: async () => (await import('./setup.js')).default,
  shell: async () => (await import('./shell.js')).default,
  slurp: async () => (await import('./slurp.js')).default,
  stat: async () => (await import('./stat.js')).default,
  sysctl: async () => (await import('./sysctl/index.js')).default,
  template: async () => (await import('./template.js')).default,
  user: async () => (await import('./user/index.js')).default,
  vrrp: async () => (await import('./vrrp/index.js')).default,
  wait_for: async () => (await import('./wait_for.js')).default,
};

/**
 * Ansible's names for modules rb has under another name (any builtin prefix,
 * `ansible.builtin.apt`, is removed first). The module's own params apply:
 * a parameter it does not have is refused by name.
 */
export const moduleAliases: Readonly<Record<string, string>> = {
  apt: 'package',
  dnf: 'package',
  yum: 'package',
  systemd: 'service',
  systemd_service: 'service',
  'ansible.posix.sysctl': 'sysctl',
};

/** Every module name, in the order above. */
export const moduleNames: readonly string[] = Object.keys(loaders);

export const modules = new LazyModuleRegistry(loaders, moduleAliases);
