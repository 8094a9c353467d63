import type { ServiceAccountTokens } from './service-account-tokens.ts';
import { ADMIN_USER, type UserInfo } from './user-info.ts';

/**
 * The Authorization header's identity, or undefined (401). The admin token is the state dir
 * kubeconfig's. A request without credentials is served as the admin: client-go (so stock kubectl)
 * never sends credentials to a plain-http server ("only try to read the auth information if we are
 * secure" in clientcmd), and lab-sim's kube listener is plain http by design.
 */
export function authenticate(header: string | undefined, adminToken: string, tokens: ServiceAccountTokens): UserInfo | undefined {
  if (header === undefined) return ADMIN_USER;
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) return undefined;
  if (token === adminToken) return ADMIN_USER;
  return tokens.authenticate(token);
}
