/**
 * The catalogue of seeded faults: named, documented deviations from the conformant
 * behaviour. The self-test runs the suite against the reference server with each fault in
 * turn and checks that it fails on the requirements listed in `breaks` (IDs from
 * harness/engine/catalogue.json). Faults are independent of one another and can be combined.
 */
export interface FaultInfo {
  /** What the server does differently, in one sentence. */
  description: string;
  /**
   * Requirement IDs on which the suite fails with this fault: exactly these, no more, no fewer
   * (the self-test checks both ways). A deviation may violate more than the suite can reach.
   */
  breaks: string[];
  /**
   * Not a deviation: a legitimate behaviour real servers show (an AMB-* row). The suite must
   * accept it: the self-test expects a conformant verdict. `breaks` is then empty.
   */
  variation?: true;
  /**
   * The wire profile whose front end the fault acts on, when it is not the AWS one: the self-test
   * runs the suite under that profile (`rfc8628`: the plain OAuth front end, reference/oauth/).
   */
  profile?: 'rfc8628';
}

const CATALOGUE = {
  'no-error-type-header': {
    description: 'Error responses omit the x-amzn-ErrorType header.',
    // The header is the only thing that tells InvalidRequestRegionException apart.
    breaks: ['AWS-ERR-TYPE', 'AWS-IAM-REGION-TYPE'],
  },
  'invalid-client-400': {
    description: 'InvalidClientException is sent with HTTP 400 instead of 401.',
    // CreateTokenWithIAM's unknown application too: the wire rule AWS-ERR-STATUS sees it.
    breaks: ['AWS-CT-INVALID-CLIENT-401', 'AWS-ERR-STATUS', 'AWS-SDA-REQUIRED'],
  },
  'secret-not-checked': {
    description:
      'Any clientSecret is accepted for a known clientId (an unknown clientId is still rejected).',
    breaks: [
      'DA-3.4-CLIENT-AUTH',
      'AWS-CT-INVALID-CLIENT-401',
      'AWS-SDA-REQUIRED',
      'DA-3.1-CONF-AUTH',
      'OA-6-CLIENT-AUTH',
    ],
  },
  'token-snake-case': {
    description:
      'Token responses use snake_case members (access_token, token_type, expires_in, refresh_token).',
    // PKCE-4.2-S256 is to the code grant what DA-3.5-SUCCESS is to the device grant. The token
    // fixtures stop there, so OA-5.1-FIELDS, which needs a token response, is never reached.
    breaks: ['AWS-WIRE-RESPONSE', 'DA-3.5-SUCCESS', 'PKCE-4.2-S256'],
  },
  '500-on-malformed-body': {
    description:
      'A request body that is not JSON, or not a JSON object, gets InternalServerException (500).',
    breaks: ['AWS-NO-5XX', 'DCR-3.1-JSON'],
  },
  'expires-in-absolute': {
    description:
      'Token expiresIn is an absolute epoch timestamp (now + lifetime) instead of relative seconds.',
    breaks: ['OA-5.1-FIELDS'],
  },
  'no-request-id': {
    description: 'Responses carry no x-amzn-RequestId header.',
    breaks: ['AWS-REQUEST-ID'],
  },
  'register-201': {
    description: 'RegisterClient success is answered with HTTP 201 instead of 200.',
    breaks: ['AWS-REG-200'],
  },
  'secret-expires-ms': {
    description:
      'clientSecretExpiresAt is sent in milliseconds since the epoch instead of seconds.',
    breaks: ['DCR-3.2.1-EXPIRES-AT', 'AWS-REG-EXPIRES'],
  },
  'duplicate-client-id': {
    description:
      'Every registration gets the same clientId and clientSecret (the record is overwritten, so that id and secret keep working).',
    breaks: [
      'DCR-3.2.1-CLIENTID',
      'DCR-3.2.1-SECRET-UNIQUE',
      'DA-3.4-CROSS-CLIENT',
      'OA-6-RT-BINDING',
      'DA-3.5-STATE-MACHINE',
      // The "other" client of a code is the same client.
      'OA-4.1.3-CLIENT-BIND',
    ],
  },
  'accept-confidential': {
    description: 'RegisterClient accepts a clientType other than public.',
    breaks: ['AWS-REG-PUBLIC-ONLY'],
  },
  'accept-bad-redirect': {
    description: 'RegisterClient does not validate redirectUris.',
    breaks: ['DCR-3.2.2-REDIRECT'],
  },
  'accept-bad-grant-type': {
    description: 'RegisterClient does not validate grantTypes.',
    breaks: ['DCR-3.2.2-METADATA'],
  },
  'missing-start-url-accepted': {
    description: 'StartDeviceAuthorization without startUrl succeeds.',
    breaks: ['AWS-SDA-REQUIRED'],
  },
  'no-verification-uri-complete': {
    description: 'StartDeviceAuthorization omits verificationUriComplete and interval.',
    breaks: ['AWS-SDA-FIELDS'],
  },
  'verification-uri-http': {
    description: 'verificationUri and verificationUriComplete use http:// instead of https://.',
    breaks: ['DA-3.2-VURI-HTTPS'],
  },
  'user-code-in-verification-uri': {
    description:
      'verificationUri itself ends with ?user_code=<code> (so it equals verificationUriComplete).',
    breaks: ['DA-3.3-VURI-NO-UC', 'DA-3.2-VURIC-UC'],
  },
  'device-code-reused': {
    description:
      'Every StartDeviceAuthorization of a client returns the same deviceCode and userCode (the authorization is restarted).',
    breaks: ['DA-3.2-UNIQUE', 'DA-3.5-PENDING', 'DA-5.1-UC-ENTROPY', 'DA-5.2-DC-ENTROPY'],
  },
  'sda-text-plain': {
    description: 'StartDeviceAuthorization success is sent with Content-Type text/plain.',
    breaks: ['DA-3.2-200-JSON'],
  },
  'client-from-device-code': {
    description:
      'A CreateToken without clientId is answered for the client that owns the deviceCode (its secret still checked).',
    breaks: ['DA-3.4-CLIENTID-PUBLIC'],
  },
  'missing-grant-type-accepted': {
    description: 'CreateToken without grantType is treated as the device code grant.',
    breaks: ['AWS-CT-REQUIRED'],
  },
  'missing-device-code-invalid-grant': {
    description:
      'A device code grant without deviceCode gets InvalidGrantException instead of InvalidRequestException.',
    breaks: ['DA-3.4-MISSING-DC'],
  },
  'unknown-device-code-pending': {
    description:
      'An unknown deviceCode gets AuthorizationPendingException instead of InvalidGrantException.',
    breaks: ['DA-3.4-BAD-DC'],
  },
  'unknown-grant-invalid-request': {
    description:
      'An unknown grantType gets InvalidRequestException instead of UnsupportedGrantTypeException.',
    // password is one of them: invalid_request reads as a grant that exists and wants its
    // username and password (BCP-2.4-NO-ROPC).
    breaks: ['OA-5.2-UNSUPPORTED-GT', 'BCP-2.4-NO-ROPC'],
  },
  'device-grant-unsupported': {
    description: 'The device code grant URN gets UnsupportedGrantTypeException.',
    breaks: [
      'DA-3.4-GRANT-URN',
      'DA-3.5-PENDING',
      'DA-3.5-SUCCESS',
      'DA-3.4-MISSING-DC',
      'DA-3.4-BAD-DC',
      'DA-3.4-CROSS-CLIENT',
      'DA-3.5-PENDING-STABLE',
      'DA-3.5-SLOWDOWN-INC',
      'DA-3.5-SLOWDOWN-NONTERMINAL',
      'DA-3.5-EXPIRED',
      'DA-3.2-LIFETIME',
      'DA-3.5-DENIED',
      'DA-3.5-STATE-MACHINE',
    ],
  },
  'auto-approve': {
    description: 'Device authorizations are approved on creation: the first poll gets a token.',
    breaks: [
      'DA-3.5-PENDING',
      'DA-3.4-GRANT-URN',
      'DA-3.5-PENDING-STABLE',
      'DA-3.5-SLOWDOWN-INC',
      'DA-3.5-SLOWDOWN-NONTERMINAL',
      'DA-3.5-STATE-MACHINE',
    ],
  },
  'approval-ignored': {
    description: 'Approval is acknowledged but never takes effect: polls stay pending.',
    breaks: [
      'DA-3.5-SUCCESS',
      'DA-3.4-CROSS-CLIENT',
      'DA-3.5-PENDING-STABLE',
      'DA-3.2-LIFETIME',
      'DA-3.5-STATE-MACHINE',
    ],
  },
  'pending-status-200': {
    description:
      'AuthorizationPending, SlowDown, AccessDenied and ExpiredToken are sent with HTTP 200 (body and header unchanged).',
    // CreateTokenWithIAM's AccessDenied (a refused signature) included.
    breaks: ['DA-3.5-STATUS-400', 'OA-5.2-FORMAT', 'AWS-ERR-STATUS', 'AWS-IAM-SIGV4'],
  },
  'error-description-quotes': {
    description: 'error_description contains a double quote and a backslash.',
    breaks: ['DA-3.5-ERR-CHARSET'],
  },
  'no-cache-control': {
    description:
      'Token endpoint responses (every grant, errors included) carry neither Cache-Control nor Pragma.',
    breaks: ['OA-5.1-NOSTORE'],
  },
  'token-type-mac': {
    description: "Token responses have tokenType 'mac'.",
    breaks: ['OA-5.1-TOKENTYPE'],
  },
  'expires-in-string': {
    description: 'Token expiresIn is sent as a JSON string.',
    breaks: ['OA-5.1-JSON', 'AWS-WIRE-RESPONSE', 'OA-5.1-FIELDS'],
  },
  'cross-client-redeem': {
    description:
      'A device code can be redeemed by any authenticated client, not only the one it was issued to.',
    breaks: ['DA-3.4-CROSS-CLIENT', 'DA-3.5-STATE-MACHINE'],
  },
  'cross-client-poll-500': {
    description:
      "A poll with another client's device code crashes the handler: InternalServerException 500 (still no token).",
    // DA-3.4-CROSS-CLIENT accepts any terminal error (AMB-13): only the wire-wide rule sees the crash.
    breaks: ['AWS-NO-5XX'],
  },
  'device-code-reusable': {
    description: 'A device code can be redeemed again after a successful redemption.',
    breaks: ['DA-5.2-DC-SINGLE-USE', 'DA-3.5-STATE-MACHINE'],
  },
  'wrong-exception-for-op': {
    description:
      'StartDeviceAuthorization with a wrong clientSecret answers InvalidGrantException (400, invalid_grant), which is not in its error set.',
    breaks: ['AWS-ERR-SET', 'AWS-SDA-REQUIRED', 'DA-3.1-CONF-AUTH'],
  },
  'error-body-not-json': {
    description:
      'Error responses have a text/plain body "error: <code>" (status and x-amzn-ErrorType kept).',
    // The region error's endpoint and region members are lost with the JSON body.
    breaks: ['OA-5.2-FORMAT', 'AWS-IAM-REGION'],
  },
  'error-json-as-text': {
    description: 'Error responses keep their JSON body but are labelled Content-Type: text/plain.',
    breaks: ['OA-5.2-FORMAT'],
  },
  'refresh-broken': {
    description:
      'The refresh_token grant, of CreateToken and of CreateTokenWithIAM, always answers InvalidGrantException.',
    breaks: ['OA-6-REFRESH', 'OA-6-SCOPE-UP', 'AWS-IAM-REFRESH', 'DA-3.5-STATE-MACHINE'],
  },
  'no-client-secret': {
    description:
      'RegisterClient omits clientSecret from its response (the server still requires the secret it keeps).',
    // Without secrets there are none to compare: DCR-3.2.1-SECRET-UNIQUE is not reached.
    breaks: ['AWS-REG-SECRET-FOR-PUBLIC', 'AWS-WIRE-RESPONSE'],
  },
  'password-grant-offered': {
    description:
      'The resource owner password credentials grant is offered: grant_type password without username and password is answered invalid_request (missing parameters), on both front ends.',
    breaks: ['BCP-2.4-NO-ROPC'],
  },
  'register-errors-403': {
    description:
      'A refused registration (invalid metadata or redirect URI) is answered with HTTP 403 instead of 400, on both front ends.',
    // On the AWS wire the status also departs from the exception's modelled @httpError.
    breaks: ['DCR-3.2.2-400', 'AWS-ERR-STATUS'],
  },
  'issued-at-ms': {
    description: 'clientIdIssuedAt is sent in milliseconds since the epoch instead of seconds.',
    breaks: ['DCR-3.2.1-ISSUED-AT', 'DCR-3.2.1-EXPIRES-AT'],
  },
  'sda-cacheable': {
    description: 'StartDeviceAuthorization responses carry no Cache-Control: no-store.',
    breaks: ['DA-3.2-NOSTORE'],
  },
  'interval-zero': {
    description: 'StartDeviceAuthorization sends interval 0 (clients fall back to 5 s).',
    breaks: ['DA-3.2-OPT-FIELDS'],
  },
  'device-expires-in-string': {
    description: 'StartDeviceAuthorization sends expiresIn as a JSON string ("600").',
    breaks: ['DA-3.2-REQ-FIELDS', 'AWS-WIRE-RESPONSE'],
  },
  'user-code-lifetime-day': {
    description: 'Device authorizations advertise and keep an expiresIn of 86400 s (a day).',
    breaks: ['DA-5.4-UC-LIFETIME'],
  },
  'missing-client-type-accepted': {
    description: 'RegisterClient without clientType succeeds (taken as public).',
    breaks: ['AWS-REG-REQUIRED'],
  },
  'accept-bad-scope': {
    description:
      'RegisterClient does not validate scopes (a scope with a quote or backslash is accepted).',
    breaks: ['AWS-REG-ERRORS'],
  },
  'unknown-client-invalid-request': {
    description:
      'An unknown clientId is answered with InvalidRequestException instead of InvalidClientException.',
    breaks: ['DA-3.1-CLIENTID'],
  },
  'no-expiry': {
    description: 'Device codes never expire: polls stay pending after expiresIn.',
    breaks: ['DA-3.5-EXPIRED', 'DA-3.5-EXPIRED-UC'],
  },
  'pending-after-expiry': {
    description:
      'After expiresIn the code can no longer be approved, but polls still answer authorization_pending.',
    breaks: ['DA-3.5-EXPIRED'],
  },
  'expired-as-invalid-grant': {
    description:
      'An expired device code is answered with InvalidGrantException instead of ExpiredTokenException (AMB-4: a warning).',
    breaks: ['DA-3.5-EXPIRED'],
  },
  'early-expiry': {
    description: 'Device codes expire at half the lifetime expiresIn advertises.',
    breaks: ['DA-3.2-LIFETIME'],
  },
  'denial-as-invalid-grant': {
    description:
      'A denied authorization is answered with InvalidGrantException instead of AccessDeniedException (AMB-5: a warning).',
    breaks: ['DA-3.5-DENIED'],
  },
  'no-denial': {
    description:
      'Variation: the end user cannot deny a device authorization (no Deny button; the admin deny route answers 501), as on glewlwyd: RFC 8628 defines the denial but requires no server to offer one. The tests that deny are skipped.',
    breaks: [],
    variation: true,
  },
  'deny-approves': {
    description: 'Denying an authorization approves it: the next poll gets a token.',
    breaks: ['DA-3.5-DENIED', 'DA-3.5-STATE-MACHINE', 'DA-5.2-UC-SINGLE-USE'],
  },
  'approve-approves-all': {
    description: 'Approving one user code approves every pending authorization of the same client.',
    breaks: ['DA-3.5-PENDING'],
  },
  'pending-limit': {
    description:
      'After three polls a pending authorization is refused with AccessDeniedException, although the client polled at the interval.',
    breaks: [
      'DA-3.5-PENDING-STABLE',
      'DA-3.5-SLOWDOWN-INC',
      'DA-3.5-SLOWDOWN-NONTERMINAL',
      'DA-3.5-STATE-MACHINE',
    ],
  },
  'slow-down-double-penalty': {
    description:
      'Strict interval enforcement that adds 10 s per slow_down: a client that adds 5 s, as RFC 8628 says, is slowed down again.',
    breaks: ['DA-3.5-SLOWDOWN-INC'],
  },
  'slow-down-terminal': {
    description:
      'Strict interval enforcement where a slow_down ends the authorization: later polls get ExpiredTokenException.',
    breaks: ['DA-3.5-SLOWDOWN-NONTERMINAL', 'DA-3.5-SLOWDOWN-INC'],
  },
  'second-slow-down-terminal': {
    description:
      'Strict interval enforcement where the second slow_down of a code ends the authorization: later polls, compliant ones included, get ExpiredTokenException.',
    breaks: ['DA-3.5-SLOWDOWN-NONTERMINAL', 'DA-3.5-SLOWDOWN-INC'],
  },
  'fast-poll-expires': {
    description:
      'A poll that comes before the interval ends the authorization with ExpiredTokenException instead of slow_down.',
    breaks: ['DA-3.5-SLOWDOWN-INC', 'DA-3.5-SLOWDOWN-NONTERMINAL'],
  },
  'sequential-user-codes': {
    description:
      'User codes are a counter written in the 20-letter alphabet: each code predicts the next.',
    breaks: ['DA-5.1-UC-ENTROPY'],
  },
  'short-user-codes': {
    description: 'User codes have 4 characters (about 17 bits).',
    breaks: ['DA-5.1-UC-ENTROPY'],
  },
  'confusable-user-codes': {
    description: 'User codes use A-Z and 0-9, mixing 0/O and 1/I.',
    breaks: ['DA-6.1-CHARSET'],
  },
  'weak-device-codes': {
    description: 'Device codes are a fixed prefix and a hexadecimal counter.',
    breaks: ['DA-5.2-DC-ENTROPY'],
  },
  'guessable-access-tokens': {
    description: 'Access tokens are a fixed prefix and a hexadecimal counter.',
    breaks: ['OA-10.3-AT-GUESS'],
  },
  'guessable-refresh-tokens': {
    description: 'Refresh tokens are a fixed prefix and a hexadecimal counter.',
    breaks: ['OA-10.4-RT-GUESS'],
  },
  'unsigned-jwt-tokens': {
    description:
      'Access and refresh tokens are JWTs with alg none: random enough, but anyone can forge one.',
    // The server still looks the exact token up: a tampered one is refused (INTEGRITY holds).
    breaks: ['OA-10.3-AT-GUESS', 'OA-10.4-RT-GUESS'],
  },
  'rt-signature-not-verified': {
    description:
      'Refresh tokens are JWTs that look HS256-signed, and the server takes any JWT carrying an issued jti for that token: payload and signature are never verified.',
    breaks: ['BCP-4.14.2-INTEGRITY'],
  },
  'device-code-prefix-match': {
    description:
      'Device codes are looked up by their first 20 characters: a garbled code still finds the authorization.',
    breaks: ['DA-3.4-BAD-DC'],
  },
  'secret-of-any-client': {
    description:
      'A clientSecret is accepted when it is the secret of any registered client, not only of the clientId sent (a lookup by secret, not by client).',
    breaks: ['DA-3.4-CLIENT-AUTH'],
  },
  'secret-optional': {
    description:
      'A request that sends no clientSecret is taken for a public client: the secret is checked only when one is sent (on the AWS wire, clientSecret is no longer required).',
    breaks: ['AWS-SDA-REQUIRED', 'AWS-CT-REQUIRED', 'OA-6-CLIENT-AUTH'],
  },
  'secret-case-insensitive': {
    description:
      'Client secrets are compared without regard to case (a case-insensitive database collation), so a secret with its letters upper-cased is accepted.',
    breaks: ['DA-3.4-CLIENT-AUTH'],
  },
  'user-code-redeems': {
    description:
      'A poll is looked up among user codes too: the user code, which the device shows to anyone who can see its screen, redeems the tokens as the device code does.',
    breaks: ['DA-3.4-BAD-DC'],
  },
  'approved-code-before-auth': {
    description:
      'An approved device code is redeemed before the client is authenticated (an early return): once the user approved, any clientSecret gets the tokens; a pending code still checks it.',
    breaks: ['DA-3.4-CLIENT-AUTH'],
  },
  'secret-checked-once': {
    description:
      'Once a device code has been polled, later polls of it are not checked for the client secret.',
    breaks: ['DA-3.4-CLIENT-AUTH'],
  },
  'refresh-token-not-returned': {
    description:
      'A refresh returns no refreshToken and the presented one keeps working (no rotation): RFC 6749 §6 allows it, but the AWS JS and Go SDKs store the missing token over the old one and lose the session (EVIDENCE.md E6).',
    breaks: ['AWS-CT-REFRESH-RT'],
  },
  'no-refresh-rotation': {
    description:
      'Variation (AMB-8): a refresh returns the presented refreshToken again, which keeps working (no rotation; the client presents its secret on every refresh).',
    breaks: [],
    variation: true,
  },
  'refresh-bearer-only': {
    description:
      'The refresh_token grant checks no clientSecret and never rotates: the refresh token alone is a bearer credential, neither rotated nor sender-constrained.',
    // No refreshToken in the refresh response either: AWS-CT-REFRESH-RT.
    breaks: ['OA-6-CLIENT-AUTH', 'BCP-2.2.2-RT-PUBLIC', 'AWS-CT-REFRESH-RT'],
  },
  'rotation-old-stays-valid': {
    description:
      'A refresh returns a new refreshToken, but the old one keeps working too (and nothing is ever revoked): a SHOULD for a client with a secret (AMB-8).',
    breaks: ['BCP-4.14.2-ROTATE'],
  },
  'rotation-retires-first-only': {
    description:
      "Refresh tokens rotate, but only the grant's first refresh token is retired: a later one keeps working after its successor is issued.",
    breaks: ['BCP-4.14.2-ROTATE-CHAIN'],
  },
  'replay-no-family-revoke': {
    description:
      'Refresh tokens rotate and a replayed old one is refused, but the replay does not revoke the active refresh token.',
    breaks: ['BCP-4.14.2-REUSE-REVOKE'],
  },
  'refresh-any-client': {
    description: 'A refresh token is accepted from any authenticated client, not only its own.',
    breaks: ['OA-6-RT-BINDING'],
  },
  'device-code-as-refresh-token': {
    description:
      'A refresh is looked up among redeemed device codes too: the device code a grant was redeemed from refreshes it like its refresh token (one lookup for every credential of a grant).',
    breaks: ['OA-6-RT-INVALID'],
  },
  'refresh-secret-optional': {
    description:
      'The refresh_token grant checks clientSecret only when one is sent: a refresh without it is taken for a public client (on the AWS wire, clientSecret is then optional on CreateToken).',
    breaks: ['OA-6-CLIENT-AUTH'],
  },
  'refresh-secret-not-checked': {
    description:
      'The refresh_token grant does not check clientSecret (an unknown clientId is still refused).',
    breaks: ['OA-6-CLIENT-AUTH'],
  },
  'refresh-unknown-accepted': {
    description: 'An unknown refresh token yields tokens, as if it were valid.',
    breaks: ['OA-6-RT-INVALID'],
  },
  'refresh-token-prefix-match': {
    description:
      'Refresh tokens are looked up by their first 20 characters: a garbled one still refreshes.',
    breaks: ['OA-6-RT-INVALID'],
  },
  'access-token-as-refresh-token': {
    description:
      'An access token presented as a refresh token refreshes its grant (the token stores share one lookup).',
    breaks: ['OA-6-RT-INVALID'],
  },
  'refresh-widens-scope': {
    description:
      'A refresh whose scope asks for more than the registration succeeds, and the response carries a scope listing the extra scopes.',
    // The scope member is outside the CreateToken model, hence AWS-WIRE-RESPONSE too.
    breaks: ['OA-6-SCOPE-UP', 'AWS-WIRE-RESPONSE'],
  },
  'registration-never-expires': {
    description:
      'Registrations keep working after clientSecretExpiresAt (every grant, and /authorize).',
    breaks: ['DCR-3.2.1-EXPIRY-ENFORCED'],
  },
  'registration-expiry-sda-only': {
    description:
      'An expired registration is refused by StartDeviceAuthorization only: its refresh tokens, approved device codes and authorization codes still yield tokens.',
    breaks: ['DCR-3.2.1-EXPIRY-ENFORCED'],
  },
  'unauthorized-client-as-invalid-client': {
    description:
      'A device authorization by a client not registered for the device grant is refused with invalid_client (InvalidClientException), not unauthorized_client (AMB-13: a warning, a failure under --strict).',
    breaks: ['DA-3.1-UNAUTH-CLIENT'],
  },
  'grant-not-restricted': {
    description:
      'A client may use every grant whatever grantTypes it registered, and always gets a refresh token.',
    breaks: ['AWS-CT-GRANT-RESTRICT'],
  },
  'pkce-required-access-denied': {
    description:
      'The authorization endpoint requires PKCE but refuses a request without code_challenge with error=access_denied, not invalid_request.',
    breaks: ['PKCE-4.4.1-REQUIRED'],
  },
  'pkce-not-checked': {
    description:
      'The codeVerifier is not compared with the code_challenge: any verifier redeems the code.',
    breaks: ['PKCE-4.6-MISMATCH', 'PKCE-4.4-BIND'],
  },
  'pkce-verifier-optional': {
    description:
      'A code issued for a code_challenge is redeemed without codeVerifier (a wrong verifier is still refused).',
    breaks: ['PKCE-9700-MISSING-VERIFIER'],
  },
  'pkce-downgrade': {
    description:
      '/authorize accepts a request without code_challenge, and its code is redeemed with any codeVerifier.',
    breaks: ['PKCE-9700-DOWNGRADE'],
  },
  'pkce-unknown-method-as-s256': {
    description:
      'An authorization request with a code_challenge_method the server does not support is treated as S256 instead of refused.',
    breaks: ['PKCE-4.4.1-METHOD'],
  },
  'pkce-plain-only': {
    description:
      '/authorize refuses code_challenge_method S256 (invalid_request) and accepts only plain.',
    // The application's authorization code grant (CreateTokenWithIAM) goes through /authorize.
    breaks: ['PKCE-4.2-S256', 'AWS-IAM-AUTH-CODE'],
  },
  'auth-code-reusable': {
    description: 'An authorization code can be redeemed again after a successful redemption.',
    breaks: ['OA-4.1.2-CODE-SINGLE-USE'],
  },
  'auth-code-no-expiry': {
    description:
      'Authorization codes never expire: one redeemed an hour after it was issued still yields tokens.',
    breaks: ['OA-4.1.2-CODE-EXPIRY'],
  },
  'auth-code-any-client': {
    description:
      'An authorization code is redeemed by whichever client presents it, not only by the client it was issued to.',
    breaks: ['OA-4.1.3-CLIENT-BIND'],
  },
  'redirect-uri-not-checked': {
    description:
      "The token request's redirectUri is not compared with the authorization request's.",
    breaks: ['OA-4.1.3-REDIRECT-MATCH'],
  },
  'null-for-unset': {
    description:
      'Variation (AWS, EVIDENCE.md E3): optional output members that are not set are sent as null: RegisterClient of a client without redirect URIs says "authorizationEndpoint":null,"tokenEndpoint":null; token responses say "idToken":null (and refreshToken when none).',
    breaks: [],
    variation: true,
  },
  'start-slow-down-once': {
    description:
      'Variation (AWS-SLOWDOWN-LOAD, CL-18): the first StartDeviceAuthorization of each client is shed with SlowDownException.',
    breaks: [],
    variation: true,
  },
  'slow-down-first-poll': {
    description:
      'Variation (AMB-2, AWS-SLOWDOWN-LOAD): the first poll of every device code is shed with SlowDownException (the interval grows by 5 s), whatever the state of the authorization.',
    breaks: [],
    variation: true,
  },
  'throttle-429': {
    description:
      'Variation (AMB-19, CL-18): a front door answers HTTP 429 with Retry-After: 1 to about one request body in four, of every operation, the first time that body is sent (a retry passes).',
    breaks: [],
    variation: true,
  },
  'decision-visible-late': {
    description:
      'Variation (eventual consistency): an approval or a denial shows only from the third poll after it; the two polls before still get AuthorizationPendingException.',
    breaks: [],
    variation: true,
  },
  'token-no-expires-in': {
    description:
      'CreateToken responses (every grant) omit expiresIn, which RFC 6749 §5.1 only RECOMMENDS (a warning there).',
    // The AWS wire schema requires it (x-protocol-required): judged under the AWS ID.
    breaks: ['OA-5.1-FIELDS', 'AWS-WIRE-RESPONSE'],
  },
  'vuric-opaque-handle': {
    description:
      'Variation (RFC 8628 §3.2): verificationUriComplete carries an opaque handle (?handle=...) that the verification page resolves, instead of the literal user code.',
    breaks: [],
    variation: true,
  },
  'verification-uri-portal-fragment': {
    description:
      'Variation (AWS, EVIDENCE.md E2, EXCHANGES.md X3): the verification URI is the access-portal page <origin>/start/#/device and the complete one carries the user code in the query of its fragment (#/device?user_code=GPNW-SHFH); the reference serves its verification page at /start/.',
    breaks: [],
    variation: true,
  },
  'aws-headers': {
    description:
      'Variation (AWS, EVIDENCE.md E1, E2, EXCHANGES.md X1, X2): response headers as AWS sends them: Date, Content-Type: application/json, Content-Length, Connection: keep-alive, x-amzn-RequestId, x-amzn-ErrorType with the :http://internal.amazon.com/coral/com.amazonaws.sso.oidc/ suffix, in that order, and no Keep-Alive header.',
    breaks: [],
    variation: true,
  },
  'aws-shaped-credentials': {
    description:
      'Variation (AWS, EVIDENCE.md E3, E4, X4, X6): credentials shaped like AWS\'s: clientId base64url(16 random bytes ‖ region), clientSecret an HS384 JWS whose payload {"serialized": …} carries clientType PUBLIC, clientName, createdTimestamp and expirationTimestamp (= clientSecretExpiresAt), deviceCode 86 base64url characters, access tokens aoaAAAAA…, refresh tokens aorAAAAA….',
    breaks: [],
    variation: true,
  },
  'secret-expiry-mismatch': {
    description:
      "The clientSecret is a JWS shaped like AWS's whose expirationTimestamp is a day after clientSecretExpiresAt: the registration and the secret disagree on when the client stops working.",
    breaks: ['AWS-REG-SECRET-EXPIRY'],
  },
  'expired-registration-starts-authorization': {
    description:
      'AWS (EVIDENCE.md E7: "This will NOT throw on expired clientId/Secret"): StartDeviceAuthorization accepts a client whose registration has expired; CreateToken (every grant) and /authorize still refuse it.',
    breaks: ['DCR-3.2.1-EXPIRY-ENFORCED'],
  },
  'token-structured-extension': {
    description:
      'CreateToken responses carry an extension member holding an object (sessionContext): allowed by RFC 6749 §5.1 and ignored by clients (CL-10), but outside the AWS model (a warning).',
    breaks: ['AWS-WIRE-RESPONSE'],
  },
  'short-lifetime': {
    description:
      'Device authorizations live 8 s with an interval of 5 s: too short for a user to enter the code (DA-5.4), and for the tests that need two polls or more, which are inconclusive, not failed.',
    breaks: ['DA-5.4-UC-LIFETIME'],
  },
  'clock-skew': {
    description:
      'Variation: the server clock runs 7 s behind the client (the epoch times it sends, and the expiry, signature and assertion times it judges).',
    breaks: [],
    variation: true,
  },
  'sigv4-window-15min': {
    description:
      'Variation: CreateTokenWithIAM accepts a SigV4 x-amz-date up to 15 minutes off the server time (the window other SigV4 services allow) instead of 5.',
    breaks: [],
    variation: true,
  },
  'refresh-replay-500': {
    description:
      'A retired refresh token presented again crashes the handler (InternalServerException 500) and revokes nothing.',
    // The wire-wide rule sees the 500 too.
    breaks: ['BCP-4.14.2-REUSE-REVOKE', 'BCP-4.14.2-ROTATE', 'AWS-NO-5XX'],
  },

  // CreateTokenWithIAM (WIRE.md §1.4). These and refresh-broken act inside its grants (see
  // actsInIam); CreateToken's other grant faults stay out, while the wire-level error faults,
  // no-cache-control and the /authorize faults apply to it as to any operation.
  'iam-signature-not-verified': {
    description:
      'CreateTokenWithIAM accepts any Authorization header, a wrong signature or none at all.',
    breaks: ['AWS-IAM-SIGV4'],
  },
  'iam-payload-hash-trusted': {
    description:
      'CreateTokenWithIAM signs over the declared x-amz-content-sha256 without comparing it with the body: a body changed after signing is accepted.',
    breaks: ['AWS-IAM-SIGV4'],
  },
  'iam-signature-region-ignored': {
    description:
      "CreateTokenWithIAM accepts a request signed for another region than its own when the signature is otherwise valid (it verifies with the credential scope's region).",
    breaks: ['AWS-IAM-SIGV4'],
  },
  'iam-region-not-checked': {
    description:
      "CreateTokenWithIAM takes a token issued by another region's endpoint (a refresh token, a subject token) for a token nobody issued: invalid_grant, where the model says InvalidRequestRegionException naming where it is usable.",
    breaks: ['AWS-IAM-REGION'],
  },
  'iam-region-error-plain': {
    description:
      'The region error (a token issued by another region) is typed InvalidRequestException in x-amzn-ErrorType (body unchanged, endpoint and region included).',
    breaks: ['AWS-IAM-REGION-TYPE'],
  },
  'iam-assertion-not-verified': {
    description:
      'The jwt-bearer grant does not verify the signature or expiry of the assertion: expired and foreign-signed JWTs are accepted (iss, aud and sub still count).',
    breaks: ['AWS-IAM-JWT-INVALID'],
  },
  'iam-assertion-alg-none-accepted': {
    description:
      'The jwt-bearer grant skips the signature check of an assertion whose header says alg none (its claims still count).',
    breaks: ['AWS-IAM-JWT-INVALID'],
  },
  'iam-downscope-ignored': {
    description:
      'CreateTokenWithIAM ignores scope: every application scope is granted whatever was asked, and a scope outside the application is not refused.',
    breaks: ['AWS-IAM-DOWNSCOPE'],
  },
  'iam-exchange-refresh-token': {
    description:
      'The token-exchange grant always adds a refreshToken, even when requestedTokenType asks for an access token only.',
    breaks: ['AWS-IAM-TOKEN-EXCHANGE'],
  },
  'iam-pkce-not-checked': {
    description:
      "The application's authorization code is redeemed with any codeVerifier (CreateToken's code grant still checks it).",
    breaks: ['PKCE-4.6-MISMATCH'],
  },
  'iam-exchange-any-subject': {
    description:
      'The token-exchange grant takes a subjectToken it never issued for an access token of the reference user.',
    breaks: ['AWS-IAM-TOKEN-EXCHANGE'],
  },
  'iam-refresh-old-stays-valid': {
    description:
      "CreateTokenWithIAM's refresh returns a new refreshToken, but the old one keeps working (CreateToken's refresh still rotates): a SHOULD, the application authenticates by SigV4.",
    breaks: ['BCP-4.14.2-ROTATE'],
  },
  'iam-refresh-widens-to-app': {
    description:
      "A CreateTokenWithIAM refresh may ask for any of the application's scopes, beyond those of its grant.",
    breaks: ['OA-6-SCOPE-UP'],
  },
  'iam-code-scope-ignored': {
    description:
      "Redeeming the application's authorization code ignores scope: a scope outside the code's grant is not refused, and the code's scopes are granted.",
    breaks: ['AWS-IAM-DOWNSCOPE'],
  },
  'iam-no-id-token': {
    description:
      'authorization_code and jwt-bearer responses of CreateTokenWithIAM carry no idToken.',
    breaks: ['AWS-IAM-ID-TOKEN', 'AWS-IAM-JWT-BEARER'],
  },
  'iam-unknown-application-accepted': {
    description: 'CreateTokenWithIAM takes any clientId as the application ARN.',
    breaks: ['AWS-IAM-CLIENT-ARN'],
  },
  '500-on-wrong-type': {
    description:
      'A member of the wrong JSON type (a number for a string, a string for a list) crashes the handler: InternalServerException 500.',
    breaks: ['AWS-NO-5XX'],
  },
  'long-client-name-crash': {
    description:
      'RegisterClient with a clientName longer than 1024 characters crashes the handler: InternalServerException 500.',
    breaks: ['AWS-NO-5XX'],
  },
  'iam-rotated-rt-narrowed': {
    description:
      'A CreateTokenWithIAM refresh that asks for fewer scopes narrows the grant: the new refresh token carries only those.',
    breaks: ['OA-6-NEW-RT-SCOPE'],
  },
  'iam-unknown-grant-crash': {
    description:
      'CreateTokenWithIAM with a grantType it does not support crashes the handler: InternalServerException 500.',
    breaks: ['AWS-NO-5XX'],
  },
  'duplicate-key-first-wins': {
    description:
      'A member repeated in a JSON body takes its first value, where every JSON parser takes the last.',
    breaks: ['OA-3.2-DUP-PARAM'],
  },
  'approve-after-deny': {
    description:
      'Once a poll has reported a denial, approving the same user code works and the next poll gets a token.',
    breaks: ['DA-3.5-STATE-MACHINE'],
  },
  'user-code-exact-match': {
    description:
      'The verification page finds a user code only as displayed: without its dash, in lower case or with spaces it is unknown.',
    breaks: ['DA-6.1-NORM-PUNCT', 'DA-6.1-NORM-CASE', 'DA-6.1-STRIP-OTHER'],
  },
  'user-code-typo-tolerant': {
    description:
      'The verification page takes a user code with one wrong character for the pending code it resembles, and approves that.',
    breaks: ['DA-3.3-UC-MATCH'],
  },
  'approval-revives-expired': {
    description:
      'Approving an expired user code restarts its lifetime: the next poll gets a token.',
    breaks: ['DA-3.5-EXPIRED-UC'],
  },
  'denied-code-reapprovable': {
    description:
      'A denied user code can still be approved until the device has polled: the denial is overturned.',
    // The model of the device flow finds it too: start → deny → approve → poll.
    breaks: ['DA-5.2-UC-SINGLE-USE', 'DA-3.5-STATE-MACHINE'],
  },
  'coral-front-end-errors': {
    description:
      'Variation (AWS front end, EVIDENCE.md §2.6): a body that is not a JSON object, or a modelled member of the wrong JSON type, is refused before the service runs with HTTP 400 SerializationException, body {"message":…} without an OAuth error member, x-amzn-ErrorType SerializationException:http://internal.amazon.com/coral/com.amazon.coral.service/, on all four operations.',
    breaks: [],
    variation: true,
  },
  'register-slow-down': {
    description:
      'Variation (AWS-SLOWDOWN-LOAD, CL-18; RegisterClient lists SlowDownException since 2025, EVIDENCE.md E11): every other new RegisterClient body, starting with the first, is shed once with SlowDownException (400 slow_down, no Retry-After); the same body again is served.',
    breaks: [],
    variation: true,
  },

  // Issue 10 (cli): what AWS clients depend on, sessions, the AWS CLI's authorization code flow.
  'no-error-description': {
    description:
      'Error bodies of the modelled exceptions carry only error, no error_description (RFC 6749 §5.2 allows it; AWS always sends one).',
    breaks: ['AWS-ERR-DESCRIPTION'],
  },
  'one-session-per-registration': {
    description:
      "Variation (AWS, reported by a third party: EVIDENCE.md E12): a registration holds one session, its latest approval's: approving an authorization (device or code) ends the refresh of the client's grants from earlier approvals, redeemed before or after (InvalidGrantException); their access tokens still work.",
    breaks: [],
    variation: true,
  },
  'loopback-port-exact-match': {
    description:
      '/authorize compares redirect_uri with the registered ones character for character: a loopback IP redirect URI registered without a port (http://127.0.0.1/oauth/callback, as the AWS CLI registers it) matches no request carrying a port (RFC 8252 §7.3).',
    breaks: ['NAT-7.3-LOOPBACK-PORT'],
  },
  'authorization-endpoint-null': {
    description:
      'Variation (AWS, EVIDENCE.md E3, E8): RegisterClient sends "authorizationEndpoint":null,"tokenEndpoint":null for every client, redirect URIs or not; /authorize works all the same (the AWS CLI and Toolkit build <endpoint>/authorize themselves).',
    breaks: [],
    variation: true,
  },
  'metadata-issuer-mismatch': {
    description:
      'The OAuth metadata names an issuer with a trailing slash, not the identifier it is served for.',
    breaks: ['MD-8414-3.3-ISSUER'],
    profile: 'rfc8628',
  },
  'metadata-text-html': {
    description: 'The OAuth metadata document is sent with Content-Type text/html.',
    breaks: ['MD-8414-3.2-JSON'],
    profile: 'rfc8628',
  },
  'metadata-token-endpoint-http': {
    description:
      'The OAuth metadata names its token endpoint with plain http on a host that is not loopback.',
    breaks: ['MD-8414-2-HTTPS'],
    profile: 'rfc8628',
  },
  'metadata-no-token-endpoint': {
    description: 'The OAuth metadata omits token_endpoint.',
    breaks: ['MD-8414-2-TOKEN-ENDPOINT'],
    profile: 'rfc8628',
  },
  'metadata-no-device-endpoint': {
    description:
      'The OAuth metadata lists the device grant but omits device_authorization_endpoint.',
    breaks: ['DA-4-METADATA'],
    profile: 'rfc8628',
  },
  'oauth-basic-401-no-challenge': {
    description:
      'The OAuth front end refuses wrong HTTP Basic credentials with 401 but no WWW-Authenticate header.',
    breaks: ['OA-5.2-401-HEADER'],
    profile: 'rfc8628',
  },
  'oauth-poll-errors-200': {
    description:
      'The OAuth front end sends authorization_pending, slow_down, access_denied and expired_token with HTTP 200 (body unchanged).',
    breaks: ['DA-3.5-STATUS-400', 'OA-5.2-FORMAT'],
    profile: 'rfc8628',
  },
  'oauth-token-no-token-type': {
    description: 'The OAuth front end answers tokens without token_type.',
    // The token fixtures stop there (as with token-snake-case): OA-5.1-FIELDS is never reached.
    breaks: ['DA-3.5-SUCCESS'],
    profile: 'rfc8628',
  },
  'oauth-no-verification-uri': {
    description: 'The OAuth front end answers a device authorization without verification_uri.',
    // The device-flow fixtures need it: the tests after it stop at this check.
    breaks: ['DA-3.2-REQ-FIELDS'],
    profile: 'rfc8628',
  },
  'oauth-poll-status-google': {
    description:
      "The OAuth front end answers polls with the statuses reported of Google's device flow (AMB-1): authorization_pending 428, slow_down and access_denied 403 (bodies unchanged).",
    // Only the status rule fails: the harness classifies polls on the error member (AMB-1), so
    // the flows, the interval and the denial are still judged, and pass.
    breaks: ['DA-3.5-STATUS-400'],
    profile: 'rfc8628',
  },
  'oauth-poll-status-auth0': {
    description:
      "The OAuth front end answers polls with the statuses reported of Auth0's device flow (AMB-1): authorization_pending and access_denied 403, slow_down 429 (bodies unchanged, no Retry-After).",
    // A 429 that carries slow_down is RFC 8628's signal, not a front door's rate limit (CL-18):
    // only the status rule fails.
    breaks: ['DA-3.5-STATUS-400'],
    profile: 'rfc8628',
  },
  'oauth-errors-text-html': {
    description: 'The OAuth front end labels its JSON errors Content-Type text/html.',
    breaks: ['OA-5.2-FORMAT'],
    profile: 'rfc8628',
  },

  // Issue 12: the OAuth front end's counterparts of the AWS wire's faults, so that every
  // requirement judged under rfc8628 has a fault that fails it there.
  'oauth-device-authorization-text-plain': {
    description:
      'The OAuth front end sends its device authorization response with Content-Type text/plain.',
    breaks: ['DA-3.2-200-JSON'],
    profile: 'rfc8628',
  },
  'oauth-interval-zero': {
    description: 'The OAuth front end sends interval 0 in its device authorization response.',
    breaks: ['DA-3.2-OPT-FIELDS'],
    profile: 'rfc8628',
  },
  'oauth-device-authorization-cacheable': {
    description:
      'The OAuth front end sends its device authorization response without Cache-Control: no-store.',
    breaks: ['DA-3.2-NOSTORE'],
    profile: 'rfc8628',
  },
  'oauth-error-description-quotes': {
    description:
      'The OAuth front end puts a double quote and a backslash in error_description (token endpoint errors).',
    breaks: ['DA-3.5-ERR-CHARSET'],
    profile: 'rfc8628',
  },
  'oauth-token-cacheable': {
    description: 'The OAuth front end sends token responses without Cache-Control and Pragma.',
    breaks: ['OA-5.1-NOSTORE'],
    profile: 'rfc8628',
  },
  'oauth-token-type-mac': {
    description: "The OAuth front end's token responses have token_type 'mac'.",
    breaks: ['OA-5.1-TOKENTYPE'],
    profile: 'rfc8628',
  },
  'oauth-expires-in-string': {
    description: "The OAuth front end's token responses send expires_in as a JSON string.",
    breaks: ['OA-5.1-JSON', 'OA-5.1-FIELDS'],
    profile: 'rfc8628',
  },
  'oauth-secret-expires-ms': {
    description:
      'The OAuth front end sends client_secret_expires_at in milliseconds since the epoch.',
    breaks: ['DCR-3.2.1-EXPIRES-AT'],
    profile: 'rfc8628',
  },
  'oauth-issued-at-ms': {
    description: 'The OAuth front end sends client_id_issued_at in milliseconds since the epoch.',
    // Expiry is then before issue: DCR-3.2.1-EXPIRES-AT sees it too, as with issued-at-ms.
    breaks: ['DCR-3.2.1-ISSUED-AT', 'DCR-3.2.1-EXPIRES-AT'],
    profile: 'rfc8628',
  },
  'oauth-registration-strict-metadata': {
    description:
      'Variation (RFC 7591 §2, as oidc-provider does): the OAuth registration applies the default response_types ["code"] when none is sent, so a client without redirect_uris is refused with invalid_redirect_uri, and it refuses with invalid_client_metadata a scope it does not support (it supports openid and offline_access).',
    breaks: [],
    variation: true,
    profile: 'rfc8628',
  },
  'oauth-register-200': {
    description:
      'The OAuth registration answers a successful registration with HTTP 200 instead of 201.',
    breaks: ['DCR-3.2.1-201'],
    profile: 'rfc8628',
  },
  'oauth-register-no-echo': {
    description:
      'The OAuth registration returns only client_id, client_secret and their timestamps, none of the metadata registered.',
    breaks: ['DCR-3.2.1-ECHO'],
    profile: 'rfc8628',
  },
  'missing-secret-invalid-request': {
    description:
      'Variation (RFC 6749 §2.3.1 makes client_secret a REQUIRED parameter of its method, §5.2 names invalid_request for a missing one): a request of a client with a secret that sends none is refused with invalid_request rather than invalid_client.',
    breaks: [],
    variation: true,
  },
  'oauth-register-none-with-secret': {
    description:
      'Variation (RFC 7591 §3.2.1 lets the server choose the metadata it registers): the OAuth registration registers every client with token_endpoint_auth_method none, whatever was asked, and still returns a client_secret, which no request then needs. The run authenticates its clients as registered (client_id alone), and the tests of a secret skip.',
    breaks: [],
    variation: true,
    profile: 'rfc8628',
  },
  'oauth-vendor-extras': {
    description:
      "Variation (CL-10, AMB-10): the OAuth front end adds the members real servers add: Entra ID's message to device authorizations; Keycloak's refresh_expires_in, not-before-policy and session_state and Entra ID's ext_expires_in to token responses.",
    breaks: [],
    variation: true,
    profile: 'rfc8628',
  },
  'oauth-token-type-lowercase': {
    description:
      "Variation (RFC 6749 §7.1: the type name is case-insensitive): the OAuth front end's token_type is 'bearer', as GitHub and others send it.",
    breaks: [],
    variation: true,
    profile: 'rfc8628',
  },
  'oauth-error-uri': {
    description:
      'Variation (RFC 6749 §5.2, OPTIONAL): the OAuth front end adds error_uri, a relative URI reference to a page about the error, to every error.',
    breaks: [],
    variation: true,
    profile: 'rfc8628',
  },
  'oauth-error-uri-invalid': {
    description:
      'The OAuth front end adds an error_uri with a space and a double quote (outside %x21 / %x23-5B / %x5D-7E) to every error.',
    breaks: ['OA-5.2-ERR-URI'],
    profile: 'rfc8628',
  },
  'oauth-invalid-client-400': {
    description:
      'The OAuth front end sends invalid_client with HTTP 400, after HTTP Basic too (WWW-Authenticate kept).',
    breaks: ['OA-5.2-401-HEADER'],
    profile: 'rfc8628',
  },

  // Issue 12: the vocabulary real identity providers send (AMB-4, AMB-5, AMB-10, AMB-15).
  'oauth-denial-authorization-declined': {
    description:
      'Variation (AMB-5, Entra ID, Okta): the OAuth token endpoint calls a denied device authorization authorization_declined instead of access_denied.',
    breaks: [],
    variation: true,
    profile: 'rfc8628',
  },
  'oauth-bad-verification-code': {
    description:
      "Variation (AMB-4, Entra ID): the OAuth token endpoint refuses a device code it does not accept (unknown, garbled, used, another client's) with bad_verification_code instead of invalid_grant.",
    breaks: [],
    variation: true,
    profile: 'rfc8628',
  },
  'oauth-incorrect-device-code': {
    description:
      "Variation (AMB-4, GitHub): the OAuth token endpoint refuses a device code it does not accept (unknown, garbled, used, another client's) with incorrect_device_code instead of invalid_grant.",
    breaks: [],
    variation: true,
    profile: 'rfc8628',
  },
  'oauth-verification-url': {
    description:
      "The OAuth front end names verification_uri by Google's pre-RFC name verification_url (AMB-10: a warning, a failure under --strict).",
    breaks: ['DA-3.2-REQ-FIELDS'],
    profile: 'rfc8628',
  },
  'oauth-duplicate-param-first-wins': {
    description:
      'The OAuth front end reads a form parameter sent twice with its first value instead of refusing the request (AMB-15: a warning, a failure under --strict).',
    breaks: ['OA-3.2-DUP-PARAM'],
    profile: 'rfc8628',
  },
  'oauth-empty-param-present': {
    description:
      'The OAuth front end reads a parameter sent empty (device_code=) as present with the value "", not as absent.',
    breaks: ['OA-3.2-EMPTY-PARAM'],
    profile: 'rfc8628',
  },
  'oauth-unknown-param-refused': {
    description:
      'The OAuth front end refuses a request carrying a parameter it does not know with invalid_request instead of ignoring it.',
    breaks: ['OA-3.2-UNKNOWN-PARAM'],
    profile: 'rfc8628',
  },
  'oauth-two-auth-methods-accepted': {
    description:
      'The OAuth front end accepts a client authenticated twice, with HTTP Basic and client_secret in the body (Basic wins; AMB-14: a warning, a failure under --strict).',
    breaks: ['OA-2.3-ONE-METHOD'],
    profile: 'rfc8628',
  },
  'oauth-basic-refused': {
    description:
      'The OAuth front end supports client_secret_post only: it registers every client with that method (and says so) and refuses HTTP Basic client authentication with invalid_client, although RFC 6749 §2.3.1 requires Basic for clients issued a password.',
    breaks: ['OA-2.3.1-BASIC'],
    profile: 'rfc8628',
  },
  'oauth-device-errors-form-encoded': {
    description:
      'The OAuth device authorization endpoint sends its errors form-encoded (error=...&error_description=...), not as JSON.',
    // Every test that reads the code of a device authorization's refusal cannot read it.
    breaks: [
      'DA-3.2-ERR-FORMAT',
      'OA-5.2-FORMAT',
      'DA-3.1-CLIENTID',
      'DA-3.1-CONF-AUTH',
      'DCR-3.2.1-EXPIRY-ENFORCED',
      'OA-5.2-401-HEADER',
      'OA-2.3-ONE-METHOD',
    ],
    profile: 'rfc8628',
  },
} satisfies Record<string, FaultInfo>;

export type FaultName = keyof typeof CATALOGUE;

export const FAULTS: Record<FaultName, FaultInfo> = CATALOGUE;

export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

export function isFaultName(name: unknown): name is FaultName {
  return typeof name === 'string' && Object.hasOwn(FAULTS, name);
}

/** The set of active faults, as the server's modules consult it. */
export type FaultSet = ReadonlySet<FaultName>;

/**
 * The faults that act inside CreateTokenWithIAM's grants: its own (`iam-*`), and
 * `refresh-broken`, whose refresh_token grant is that of both operations.
 */
export function actsInIam(name: FaultName): boolean {
  return name.startsWith('iam-') || name === 'refresh-broken';
}
