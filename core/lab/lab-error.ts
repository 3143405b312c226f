import { RbError } from '../errors.js';

/** A lab operation that cannot proceed; the message is the one line the user sees. */
export class LabError extends RbError {
  override name = 'LabError';
}
