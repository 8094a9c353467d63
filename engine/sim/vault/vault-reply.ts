/** A finished HTTP answer thrown out of a route: status and JSON body. */
export class Reply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`vault ${status}`);
  }
}

/** Vault's error body; `errors(404)` is its bare `{"errors":[]}`. */
export const errors = (status: number, ...messages: string[]) => new Reply(status, { errors: messages });

/** What Vault says when the ACL refuses a request. */
export const permissionDenied = () => errors(403, '1 error occurred:\n\t* permission denied\n');
