// The lab's API, for the CLI, the test harness and the qemu part.

export { labUp, labRebuild, type UpOptions } from './up.js';
export { labDown, labStatus, type LabStatus, type LabHostStatus } from './status.js';
export { labExec, type ExecOutput } from './exec.js';
export { ensureBridge } from './network.js';
export { ensureClientKeys } from './keys.js';
export { writeInventory, renderInventory } from './inventory.js';
export { labDeps, LAB_PACKAGES } from './deps.js';
export { LabError } from './lab-error.js';
export { labHost, BRIDGE, BRIDGE_ADDRESS, DEFAULT_HOSTS, MAX_HOSTS, type LabHost } from './topology.js';
export * from './paths.js';
