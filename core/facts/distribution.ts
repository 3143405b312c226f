// distribution, its version/release/major version and os_family from
// os-release (and the distribution's own version file where Ansible reads it).

import { keyValues } from './sections.js';

/** os-release ID → Ansible's distribution name. */
const NAMES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', raspbian: 'Debian', linuxmint: 'Linux Mint', kali: 'Kali', devuan: 'Devuan', pop: 'Pop!_OS',
  rhel: 'RedHat', centos: 'CentOS', rocky: 'Rocky', almalinux: 'AlmaLinux', fedora: 'Fedora', ol: 'OracleLinux', amzn: 'Amazon',
  'opensuse-leap': 'openSUSE Leap', 'opensuse-tumbleweed': 'openSUSE Tumbleweed', sles: 'SLES', sled: 'SLED',
  alpine: 'Alpine', arch: 'Archlinux', gentoo: 'Gentoo', void: 'Void',
};

const FAMILIES: Record<string, string[]> = {
  Debian: ['Debian', 'Ubuntu', 'Linux Mint', 'Kali', 'Devuan', 'Pop!_OS', 'Raspbian', 'Neon', 'Parrot', 'Elementary OS'],
  RedHat: ['RedHat', 'CentOS', 'Rocky', 'AlmaLinux', 'Fedora', 'OracleLinux', 'Amazon', 'Scientific', 'CloudLinux', 'EulerOS', 'openEuler', 'XenServer'],
  Suse: ['SLES', 'SLED', 'openSUSE', 'openSUSE Leap', 'openSUSE Tumbleweed', 'SUSE'],
  Alpine: ['Alpine'],
  Archlinux: ['Archlinux', 'Manjaro'],
  Gentoo: ['Gentoo'],
};

export function osFamily(distribution: string): string {
  for (const [family, members] of Object.entries(FAMILIES)) if (members.includes(distribution)) return family;
  return distribution;
}

export function distributionFacts(files: Map<string, string>): Record<string, unknown> {
  const path = files.has('/etc/os-release') ? '/etc/os-release' : files.has('/usr/lib/os-release') ? '/usr/lib/os-release' : undefined;
  const os = keyValues(path ? files.get(path) : undefined);
  const id = (os.ID ?? '').toLowerCase();
  const distribution = NAMES[id] ?? (os.NAME ? os.NAME.split(' ')[0] : 'NA');
  let version = os.VERSION_ID ?? 'NA';
  // Debian's point release is in /etc/debian_version (12.11), os-release only has the major.
  const debian = files.get('/etc/debian_version')?.trim();
  if (distribution === 'Debian' && debian && /^\d/.test(debian)) version = debian;
  const alpine = files.get('/etc/alpine-release')?.trim();
  if (distribution === 'Alpine' && alpine) version = alpine;
  const release = os.VERSION_CODENAME || os.UBUNTU_CODENAME || (/\(([^)]+)\)/.exec(os.VERSION ?? '')?.[1]?.split(' ')[0] ?? 'NA');
  const major = version === 'NA' ? 'NA' : version.split('.')[0];
  const minor = version.includes('.') ? version.split('.')[1] : 'NA';
  return {
    distribution,
    distribution_version: version,
    distribution_major_version: major,
    distribution_minor_version: minor,
    distribution_release: release,
    distribution_file_path: path ?? 'NA',
    os_family: osFamily(distribution),
  };
}
