// `rb run --help` (and check, drift): every option of the command.

export function runHelp(mode: 'run' | 'check' | 'drift'): string {
  const what = { run: 'run playbooks: apply the differences; a failed host is rolled back', check: 'run --check: what a run would change, touching nothing', drift: 'check; exit 0 no drift, 2 drift, 1 error' }[mode];
  return `usage: rb ${mode} PLAYBOOK... [-i INVENTORY] [options]

${what}

inventory and hosts:
  -i, --inventory SRC       inventory file, folder or host list (repeatable; default: ansible.cfg
                            inventory, then RB_INVENTORY, then the lab's)
  -l, --limit PATTERN       only these hosts (@FILE reads a retry file)
  -e, --extra-vars VARS     k=v ..., @file.yml or a JSON/YAML mapping (repeatable)
  -t, --tags T / --skip-tags T   select tasks by tag
  --start-at-task NAME      start at the first task of that name
  --shard K/N               only the K-th of N stable parts of the selected hosts; a host is
                            always in the same part, HA peers (VRRP instance, heartbeat nodes)
                            in one; merge the parts' --report-json with rb report merge

run:
  -C, --check               dry run: report what would change
  -D, --diff                show the text differences of files
  -f, --forks N             hosts at once (default 50, or ansible.cfg forks)
  --no-rollback             leave a failed host as it is
  --force-handlers          run notified handlers on failed hosts too
  --lock-timeout S          wait this long for another run's host lock

connection and privilege:
  -u, --user USER           remote user (below the play's remote_user and ansible_user)
  --private-key, --key-file FILE   ssh private key
  -b, --become              run tasks with sudo
  --become-user USER        sudo to this user
  --become-method sudo      (only sudo)
  -K, --ask-become-pass     ask for the sudo password
  --host-key-checking strict|accept-new|off
  --timeout S               connection timeout

vault:
  --vault-password-file FILE, --vault-id [LABEL@]SOURCE, -J/--ask-vault-pass

show, run nothing:
  --syntax-check            load and check every playbook
  --list-hosts              each play's hosts
  --list-tasks              each play's tasks (as ansible-playbook lists them)
  --list-tags               each play's tags

output:
  -v, -vv                   more detail
  --output auto|plain|tty
  --report-json FILE, --report-junit FILE, --report-prometheus FILE

ansible.cfg (ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg) gives
inventory, forks, remote_user, private_key_file, host_key_checking, roles_path,
vault_password_file, timeout, become*, [ssh_connection] ssh_args; options above override it.
`;
}
