// pause: waits a number of seconds or minutes before the next task (a settle
// time after a restart, a window for an operator watching). rb runs unattended,
// so a `prompt` without a duration, which would wait for a key forever, is
// refused; with a duration the prompt is printed and the wait is the duration.
// Hosts wait side by side, so the play waits once, as in Ansible. Check mode
// waits too (a dry run keeps the timing of the real one).
//
//   - pause: { seconds: 10, prompt: "letting keepalived settle" }

import { defineModule } from '../core/module.js';

export interface PauseParams {
  seconds?: number;
  minutes?: number;
  prompt?: string;
  echo: boolean;
}

/** One wait at most a day: a longer one is a typo, not a pause. */
const MAX_SECONDS = 86_400;

export function pauseMs(p: Pick<PauseParams, 'seconds' | 'minutes'>): number {
  return Math.round(((p.seconds ?? 0) + (p.minutes ?? 0) * 60) * 1000);
}

export default defineModule<PauseParams>({
  name: 'pause',
  summary: 'Wait some seconds or minutes',
  params: {
    seconds: { type: 'number', min: 0, max: MAX_SECONDS, description: 'how long to wait' },
    minutes: { type: 'number', min: 0, max: MAX_SECONDS / 60, description: 'how long to wait, in minutes' },
    prompt: { type: 'string', description: 'a message printed while waiting' },
    echo: { type: 'bool', default: true, description: 'accepted for Ansible compatibility (rb never reads input)' },
  },
  rules: (p) => {
    if (p.seconds !== undefined && p.minutes !== undefined) return [['', 'give seconds or minutes, not both']];
    if (p.seconds === undefined && p.minutes === undefined) {
      return [['', 'give seconds or minutes: rb runs unattended and never waits for a key (a pause without a duration would wait forever)']];
    }
    return [];
  },
  supports: { check: true, diff: false, rollback: false },
  example: `- pause: { seconds: 5, prompt: "letting the BACKUP take over" }`,

  async action(ctx, p) {
    const ms = pauseMs(p);
    if (p.prompt) ctx.log(p.prompt);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, ms));
    const waited = Date.now() - started;
    return { changed: false, msg: `paused ${(waited / 1000).toFixed(1)} s`, data: { start: new Date(started).toISOString(), stop: new Date(started + waited).toISOString(), delta: Math.round(waited / 1000), echo: p.echo, user_input: '' } };
  },
});
