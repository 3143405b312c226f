// Mocha root-hook plugin (.mocharc.json "require"): take the lab down after
// the whole run, only if this run brought it up. RB_KEEP_LAB=1 keeps it for
// poking at the hosts afterwards.

import { labTeardownIfOurs } from './lab.js';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await labTeardownIfOurs();
  },
};
