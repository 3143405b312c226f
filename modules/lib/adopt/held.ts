// What `rb adopt` must leave to the daemons that move it: an address or route
// that keepalived or heartbeat brings up on whichever node is active is not a
// fixed part of one host (adopting it on today's holder would be drift after
// the first failover). The discovery of addresses and routes reads the
// daemons' configs alongside and skips what they name.

/** Shell part printing keepalived's configs, heartbeat's haresources and the resource scripts it names (resource.d/ or /etc/init.d/). */
export const DAEMON_CONFIGS_PART = [
  'cat /etc/keepalived/keepalived.conf /etc/keepalived/*.conf /etc/keepalived/conf.d/* 2>/dev/null',
  'if [ -r /etc/ha.d/haresources ]; then cat /etc/ha.d/haresources; ' +
    "for w in $(sed 's/#.*//' /etc/ha.d/haresources); do r=${w%%::*}; case $r in */*|'') continue;; esac; " +
    // heartbeat runs the script from resource.d/, else from /etc/init.d/ (seed 004's startvip).
    'if [ -f "/etc/ha.d/resource.d/$r" ]; then cat "/etc/ha.d/resource.d/$r"; elif [ -f "/etc/init.d/$r" ]; then cat "/etc/init.d/$r"; fi; done; fi',
  'true',
].join('; ');

/** Whether the daemons' config text names this address (as a whole word, not inside a longer one). */
export function heldByDaemons(configs: string, address: string): boolean {
  const esc = address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^0-9A-Za-z.:])${esc}($|[^0-9A-Za-z.:])`, 'i').test(configs);
}
