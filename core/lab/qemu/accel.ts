// KVM only where it is a real one. A /dev/kvm backed by the nested PVM
// hypervisor (kvm_pvm) runs only specially built guests: Debian's kernel crawls
// there and `-cpu host` aborts, so such machines use TCG emulation like those
// without /dev/kvm at all.

import { existsSync, readdirSync } from 'node:fs';

export interface Accel {
  kind: 'kvm' | 'tcg';
  args: string[];
  /**
   * Virtual CPUs. Under TCG one: with two, every RCU grace period waits for
   * both vCPU threads to be scheduled, and on a busy 2-core machine creating
   * and deleting 10 netns took 7–9 s instead of 2–2.5 s, and the lab's own
   * `up 3` in the guest 55–64 s instead of 33–35 s (measured side by side).
   */
  cpus: number;
}

export interface AccelFacts {
  /** Names under /sys/module (loaded or built-in modules with parameters). */
  kernelModules: ReadonlySet<string>;
  hasKvmDevice: boolean;
}

export function chooseAccel(f: AccelFacts): Accel {
  const realKvm = f.kernelModules.has('kvm_intel') || f.kernelModules.has('kvm_amd');
  if (f.hasKvmDevice && realKvm && !f.kernelModules.has('kvm_pvm')) {
    return { kind: 'kvm', args: ['-accel', 'kvm', '-cpu', 'host'], cpus: 2 };
  }
  return { kind: 'tcg', args: ['-accel', 'tcg,tb-size=256', '-cpu', 'max'], cpus: 1 };
}

export function readAccelFacts(): AccelFacts {
  let names: string[] = [];
  try {
    names = readdirSync('/sys/module');
  } catch {
    // No sysfs view of modules: treat as no KVM.
  }
  return { kernelModules: new Set(names), hasKvmDevice: existsSync('/dev/kvm') };
}
