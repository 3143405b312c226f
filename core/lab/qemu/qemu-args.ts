// The qemu command line of the lab guest. Pure: every path and name comes in,
// so tests can assert the exact argv.

export interface QemuConfig {
  accelArgs: readonly string[];
  kernel: string;
  initrd: string;
  consoleLog: string;
  tap: string;
  mac: string;
  hostRootTag: string;
  cpus: number;
  memoryMiB?: number;
}

// quiet + loglevel keep the serial console (a file) short; mitigations cost much under emulation and
// protect nothing in a throwaway lab guest; the crypto self-tests took 0.5–1.2 s of each emulated boot;
// panic=-1 with -no-reboot turns a failed init into qemu exiting.
export const KERNEL_CMDLINE = 'console=ttyS0 quiet loglevel=3 panic=-1 mitigations=off cryptomgr.notests';

export function qemuArgs(c: QemuConfig): string[] {
  return [
    '-name', 'rblab-guest',
    '-nodefaults', '-no-user-config', '-nographic', '-display', 'none', '-no-reboot',
    '-machine', 'q35',
    ...c.accelArgs,
    '-smp', String(c.cpus),
    '-m', String(c.memoryMiB ?? 512),
    '-kernel', c.kernel,
    '-initrd', c.initrd,
    '-append', KERNEL_CMDLINE,
    '-serial', `file:${c.consoleLog}`,
    '-fsdev', `local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap`,
    '-device', `virtio-9p-pci,fsdev=hostroot,mount_tag=${c.hostRootTag}`,
    '-netdev', `tap,id=lab,ifname=${c.tap},script=no,downscript=no`,
    // romfile= drops the iPXE option ROM: nothing boots from the network and it costs boot time.
    '-device', `virtio-net-pci,netdev=lab,mac=${c.mac},romfile=`,
  ];
}
