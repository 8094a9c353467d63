// Who a request is, as the API server's authenticators hand it to the authorizers (user.Info).

export interface UserInfo {
  name: string;
  groups: string[];
}

export const SYSTEM_MASTERS = 'system:masters';
export const AUTHENTICATED = 'system:authenticated';

/** The state dir kubeconfig's user: a cluster admin, as k3s' own admin kubeconfig is. */
export const ADMIN_USER: UserInfo = { name: 'lab-sim-operator', groups: [SYSTEM_MASTERS, AUTHENTICATED] };

const SA_PREFIX = 'system:serviceaccount:';

export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { name: `${SA_PREFIX}${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, AUTHENTICATED] };
}

/** serviceaccount.MatchesUsername: is `username` the ServiceAccount namespace/name? */
export function isServiceAccount(username: string, namespace: string, name: string): boolean {
  return username === `${SA_PREFIX}${namespace}:${name}`;
}
