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
