/**
 * Domain errors. Services throw these; the error handler maps each class to a status code
 * and shows the translated message named by `key`.
 */
export abstract class DomainError extends Error {
  abstract readonly key: string;
}

export class NotFound extends DomainError {
  override name = 'NotFound';
  readonly key = 'common:errors.notFound';
}

export class Unavailable extends DomainError {
  override name = 'Unavailable';
  readonly key = 'common:errors.unavailable';
}

/** The caller may not take this action at all (a record they may not see is NotFound instead). */
export class Forbidden extends DomainError {
  override name = 'Forbidden';
  readonly key = 'common:errors.forbidden';
}

/** Too many attempts: the account or the address waits (SECURITY.md A4). */
export class TooManyAttempts extends DomainError {
  override name = 'TooManyAttempts';
  readonly key = 'common:errors.tooMany';
}

/** Someone else changed the record first (SECURITY.md V3). */
export class Conflict extends DomainError {
  override name = 'Conflict';
  readonly key = 'common:errors.conflict';
}

/**
 * Input the rules refuse (422). `fields` maps a form field to the i18n key of what is wrong with it,
 * so the form can be shown again with the message beside the field.
 */
export class Invalid extends DomainError {
  override name = 'Invalid';
  readonly key: string;
  readonly fields: Readonly<Record<string, string>>;
  constructor(fields: Record<string, string>, key = 'common:errors.invalid') {
    super(key);
    this.key = key;
    this.fields = Object.freeze({ ...fields });
  }
}
