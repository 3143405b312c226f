// Decides when a command goes through sudo and how its stdin is prefixed with
// the become password. Shared by the ssh and local transports.

import { SUDO_NEEDS_PASSWORD, sudoCommand, sudoProbeCommand } from './command-lines.js';

export interface BecomeSettings {
  /** The user the transport runs commands as. */
  loginUser: string;
  become: boolean;
  becomeUser?: string;
  becomePassword?: string;
}

type RawRun = (command: string) => Promise<{ code: number; stderr: string }>;

export class SudoWrapper {
  private readonly needsPassword = new Map<string, Promise<boolean>>();

  constructor(
    private readonly s: BecomeSettings,
    private readonly run: RawRun,
  ) {}

  /** Whom a command becomes: the task's `become_user`, else the connection's, else root. */
  targetUser(user?: string): string {
    return user ?? this.s.becomeUser ?? 'root';
  }

  /** sudo only when becoming someone else than the login user. */
  active(become: boolean | undefined, user?: string): boolean {
    return (become ?? this.s.become) && this.targetUser(user) !== this.s.loginUser;
  }

  /**
   * With a password, ask sudo once per user whether this rule needs it: a
   * NOPASSWD rule would never read the password line and the command would
   * get it on its stdin.
   */
  private probe(user: string): Promise<boolean> {
    let p = this.needsPassword.get(user);
    if (!p) {
      p = this.run(sudoProbeCommand(user)).then((r) => r.code !== 0 && SUDO_NEEDS_PASSWORD.test(r.stderr));
      this.needsPassword.set(user, p);
    }
    return p;
  }

  async wrap(command: string, stdin: Buffer | undefined, becomeUser?: string): Promise<{ command: string; stdin: Buffer | undefined }> {
    const user = this.targetUser(becomeUser);
    const pw = this.s.becomePassword;
    const password = pw !== undefined && (await this.probe(user));
    if (!password) return { command: sudoCommand(command, { user, password: false }), stdin };
    const line = Buffer.from(`${pw}\n`);
    return {
      command: sudoCommand(command, { user, password: true }),
      stdin: stdin ? Buffer.concat([line, stdin]) : line,
    };
  }
}
