/** A registry refused or broke a push; `status` is the HTTP status when there was one. */
export class RegistryPushError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryPushError';
  }
}
