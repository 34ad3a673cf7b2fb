/** Codes every door (HTTP, bot, CLI) understands; each maps to an i18n key `errors.<code>`. */
export type ErrorCode =
  | 'bad_request'
  | 'validation'
  | 'operator_refused'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'roster_headers'
  | 'roster_rows'
  | 'roster_empty'
  | 'roster_limit'
  | 'roster_duplicate_headers'
  | 'roster_encoding'
  | 'roster_unreadable'
  | 'import_running'
  | 'import_timeout'
  | 'import_cancelled'
  | 'import_finished'
  | 'phone_unavailable'
  | 'scope_invalid'
  | 'storage_unavailable'
  | 'code_invalid'
  | 'room_not_bound'
  | 'room_already_bound'
  | 'house_not_in_group'
  | 'not_registered'
  | 'not_allowed'
  | 'no_open_round'
  | 'photo_unsupported'
  | 'photo_too_large'
  | 'photo_too_many_pixels'
  | 'photo_unreadable'
  | 'submission_incomplete'
  | 'nothing_to_return'
  | 'submission_approved'
  | 'own_house'
  | 'own_claim'
  | 'hazard_not_found'
  | 'hazard_closed'
  | 'not_your_hazard'
  | 'too_many_tips'
  | 'tip_not_found'
  | 'head_house_claim'
  | 'claim_pending'
  | 'register_locked'
  | 'scope_ambiguous'
  | 'last_admin'
  | 'not_empty'
  | 'head_house_move'
  | 'outside_scope'
  | 'report_busy'
  | 'signin_failed'
  | 'signin_locked'
  | 'password_wrong'
  | 'username_taken'
  | 'cross_origin'
  | 'internal';

/**
 * An error a person can act on. `params` fill the translated message; `details`
 * travel to the caller as data (e.g. the bad rows of an import).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly params: Record<string, string | number> = {},
    readonly details?: unknown,
  ) {
    super(message ?? code);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/** A unique key taken (each storage adapter translates its driver's error to this): another writer was first. */
export const isConflict = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === 'conflict';

/** Inserts, or answers null when a unique key is already taken (another process or request was first). */
export async function insertOrNull<R>(insert: () => Promise<R>): Promise<R | null> {
  try {
    return await insert();
  } catch (e) {
    if (isConflict(e)) return null;
    throw e;
  }
}
