// fail: stops the host with a message (a guard, usually under `when`). Runs in
// check mode too; nothing on the host is touched.
//
//   - fail:
//       msg: "vrrp_priority must differ between {{ groups['lb'] | join(', ') }}"
//     when: hostvars[groups['lb'][0]].vrrp_priority == hostvars[groups['lb'][1]].vrrp_priority

import { defineModule } from '../core/module.js';

export interface FailParams {
  msg: string;
}

export default defineModule<FailParams>({
  name: 'fail',
  summary: 'Fail the host with a message',
  params: {
    msg: { type: 'string', default: 'Failed as requested from task', description: 'the message the host fails with' },
  },
  supports: { check: true, diff: false, rollback: false },
  example: `- fail: { msg: "set vip for {{ inventory_hostname }}" }
  when: vip is not defined`,

  action: (_ctx, p) => ({ failed: true, msg: p.msg }),
});
