// The initramfs has no libc: the busybox copied into it must be the static
// build (package busybox-static), which has no program interpreter.

const PT_INTERP = 3;

export function isElf(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32BE(0) === 0x7f454c46;
}

/** True when a 64-bit little-endian ELF executable asks for a dynamic loader (PT_INTERP). */
export function hasInterpreter(buf: Buffer): boolean {
  if (!isElf(buf) || buf[4] !== 2 || buf[5] !== 1) throw new Error('not a 64-bit little-endian ELF file');
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > buf.length) throw new Error('ELF program header table runs past the end of the file');
    if (buf.readUInt32LE(at) === PT_INTERP) return true;
  }
  return false;
}
