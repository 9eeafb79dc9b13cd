// An OAuth client that knows nothing of this server but its URL: discovery (RFC 8414), device
// authorization and polling (RFC 8628) with openid-client. Prints one JSON line per event on stdout:
// {"event":"code",...} once the code pair is issued, then {"event":"token",...} or {"event":"error",...}.
import * as client from 'openid-client';

const [issuer, clientName] = process.argv.slice(2);

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

try {
  const config = await client.discovery(new URL(issuer), 'device-login-test', undefined, client.None(), {
    algorithm: 'oauth2',
    execute: [client.allowInsecureRequests],
  });
  const grant = await client.initiateDeviceAuthorization(config, { client_name: clientName });
  emit({
    event: 'code',
    user_code: grant.user_code,
    verification_uri: grant.verification_uri,
    verification_uri_complete: grant.verification_uri_complete,
    interval: grant.interval,
  });
  const tokens = await client.pollDeviceAuthorizationGrant(config, grant);
  emit({ event: 'token', access_token: tokens.access_token, token_type: tokens.token_type, agent_id: tokens.agent_id });
} catch (e) {
  emit({ event: 'error', error: e.error ?? null, status: e.status ?? null, code: e.code ?? null, message: String(e.message) });
  process.exitCode = 1;
}
