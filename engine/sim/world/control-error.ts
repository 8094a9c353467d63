/** A control-API request that cannot be honoured: HTTP status plus a message saying what to do. */
export class ControlError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}
