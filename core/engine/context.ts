// The HostContext modules see: a transport with typed errors, the host's vars,
// templating and controller-side file lookup. In check mode writes are refused.

import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { CommandError, ModuleError } from '../errors.js';
import type { HostContext } from '../module.js';
import { renderText, templateFileVars } from '../template/index.js';
import { quote } from '../transport/shell.js';
import type { ExecOptions, Transport } from '../transport/types.js';

export interface ContextOptions {
  transport: Transport;
  vars: Record<string, unknown>;
  check: boolean;
  become?: boolean;
  /** `become_user` of the task, play or block; the connection's when undefined. */
  becomeUser?: string;
  /** `environment`: exported before every command the task runs. */
  environment?: Record<string, string>;
  playbookDir: string;
  /** Directory of the file the task is written in (for includes from other folders). */
  taskDir: string;
  /** The role of the task: its files/ and templates/ are searched first. */
  rolePath?: string;
  log: (message: string) => void;
}

export function hostContext(o: ContextOptions): HostContext {
  const t = o.transport;
  const opts = (x?: ExecOptions): ExecOptions | undefined => {
    let out = x;
    if (o.become !== undefined && x?.become === undefined) out = { ...out, become: o.become };
    if (o.becomeUser !== undefined && x?.becomeUser === undefined) out = { ...out, becomeUser: o.becomeUser };
    return out;
  };
  const env = Object.entries(o.environment ?? {});
  const withEnv = env.length ? (command: string) => `export ${env.map(([k, v]) => `${k}=${quote(v)}`).join(' ')}; ${command}` : (command: string) => command;
  const ctx: HostContext = {
    host: t.host,
    vars: o.vars,
    check: o.check,
    exec: (command, x) => t.exec(withEnv(command), opts(x)),
    async run(command, x) {
      const r = await t.exec(withEnv(command), opts(x));
      const ok = x?.okCodes ?? [0];
      if (!ok.includes(r.code)) throw new CommandError({ host: t.host, command, ...r });
      return r;
    },
    get: (path) => t.get(path),
    async put(path, data, mode) {
      if (o.check) throw new ModuleError(`${t.host}: refusing to write ${path} in check mode`);
      return t.put(path, data, mode);
    },
    log: o.log,
    templatePaths: searchDirs(o, 'templates'),
    render: (text, extra) => {
      // A template file gets ansible_managed and template_*, and includes from its own folder first.
      const file = typeof extra?.template_path === 'string' ? extra.template_path : undefined;
      const vars = extra ? { ...o.vars, ...(file ? templateFileVars(file, typeof extra.template_destpath === 'string' ? extra.template_destpath : undefined) : {}), ...extra } : o.vars;
      return renderText(text, vars, 'template', file ? { searchPath: [...new Set([dirname(file), ...searchDirs(o, 'templates')])] } : {});
    },
    localPath(path, kind) {
      if (isAbsolute(path)) {
        if (existsSync(path)) return path;
        throw new ModuleError(`${path}: no such file on the controller`);
      }
      const tried = searchDirs(o, kind).map((d) => join(d, path));
      for (const p of tried) if (existsSync(p)) return p;
      throw new ModuleError(`${path}: not found on the controller (looked in ${[...new Set(tried)].join(', ')})`);
    },
  };
  return ctx;
}

/** Ansible's search order for a task's controller files: the role, the task file's folder, the playbook. */
function searchDirs(o: ContextOptions, kind: 'files' | 'templates' | 'vars'): string[] {
  const dirs = [...(o.rolePath ? [join(o.rolePath, kind), o.rolePath] : []), join(o.taskDir, kind), o.taskDir, join(o.playbookDir, kind), o.playbookDir];
  return [...new Set(dirs)];
}
