package awsfake

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// IAM Identity Center (SSO), reached by path rather than by SigV4 scope,
// in the REST-JSON wire format the SDKs' ssooidc and sso clients parse:
//
// SSO OIDC (what AWS_ENDPOINT_URL_SSO_OIDC points at; unsigned):
//
//	POST /client/register        {clientName, clientType, scopes} → {clientId, clientSecret, clientIdIssuedAt, clientSecretExpiresAt}
//	POST /device_authorization   {clientId, clientSecret, startUrl} → {deviceCode, userCode, verificationUri, verificationUriComplete, expiresIn, interval}
//	POST /token                  {clientId, clientSecret, grantType, deviceCode | code, codeVerifier, redirectUri | refreshToken}
//	                             → {accessToken, tokenType, expiresIn[, refreshToken]}
//	GET  /authorize?response_type=code&client_id=&redirect_uri=&state=&code_challenge=&code_challenge_method=S256&scopes=
//	                             → 302 to redirect_uri?code=&state= (or ?error=access_denied&state=)
//
// RegisterClient takes grantTypes, redirectUris and issuerUrl as the
// authorization code flow needs them: a client that asks for
// authorization_code must give loopback http redirect URIs and the start
// URL as issuerUrl. /authorize is the browser's page: the user is taken to
// be signed in and to allow the request at once (SetSSOAuthorizeDenied
// makes them deny it), so the page redirects to the client's loopback
// listener with a one-time code, valid for 5 minutes, bound to the client,
// the redirect URI and the PKCE challenge (S256 only), which CreateToken
// with grantType authorization_code checks against codeVerifier.
//
// Refresh tokens are issued with the access token when the client
// registered the refresh_token grant or any scopes (what an [sso-session]
// with sso_registration_scopes does); grantType refresh_token trades one for
// a new access token and a new refresh token, and the old refresh token
// stops working. Refresh tokens last DefaultSSORefreshTTL
// (SetSSORefreshTTL); RevokeSSORefreshTokens makes them all invalid.
//
// /token with grantType urn:ietf:params:oauth:grant-type:device_code answers
// AuthorizationPendingException until the user code is approved,
// SlowDownException to a client that polls faster than the interval, and
// ExpiredTokenException once the device code has expired. Errors carry
// their code in the x-amzn-ErrorType header and {"error", "error_description"}
// in the body, as the service does.
//
// The SSO portal (what AWS_ENDPOINT_URL_SSO points at):
//
//	GET /federation/credentials?account_id=&role_name=   header x-amz-sso_bearer_token: ACCESS-TOKEN
//	    → {"roleCredentials": {accessKeyId, secretAccessKey, sessionToken, expiration (ms since the epoch)}}
//	GET /assignment/accounts?max_result=&next_token=     → {"accountList": [{accountId, accountName, emailAddress}], "nextToken"}
//	GET /assignment/roles?account_id=&max_result=&next_token= → {"roleList": [{accountId, roleName}], "nextToken"}
//	POST /logout                                         → 200, the token revoked
//
// The two lists are paginated: a page holds max_result entries, at most
// SSOPageSize (default 20 accounts, 10 roles), sorted by account id and
// role name; nextToken is opaque and bound to the list it came from.
// SetSSORateLimit makes the list calls answer TooManyRequestsException
// (429) beyond a number of calls per second, as the service throttles.
//
// The credentials are a role session known to the fake STS: their
// principal is arn:aws:sts::ACCOUNT:assumed-role/AWSReservedSSO_ROLE_HASH/USER.
// A token that is unknown, revoked or expired is UnauthorizedException
// (401). Until the first AddSSOAssignment every account and role is
// assigned (each lasting DefaultSSOSessionTTL), so a test that only needs
// SSO to work configures nothing; after it, an account and role that are
// not assigned is ForbiddenException "No access" (403).
//
// What a person does in the browser has two stand-ins: GET /device?user_code=
// (the verification page, which says whether the code is pending) and
// GET /_test/approve?user_code= (the person approving), which is what a
// test's $BROWSER script calls; ApproveDevice does the same from Go.
//
// Calls are recorded with Service "sso-oidc" (RegisterClient,
// StartDeviceAuthorization, CreateToken with its grantType, Authorize),
// "sso" (GetRoleCredentials, ListAccounts, ListAccountRoles) or
// "sso-device" (ApproveDevice). Client secrets, device codes and access
// tokens are never recorded. FailNext works with these actions too.

// Defaults of the device flow and of the tokens and credentials issued.
const (
	DefaultSSODeviceInterval = time.Second
	DefaultSSODeviceTTL      = 10 * time.Minute
	DefaultSSOTokenTTL       = 8 * time.Hour
	DefaultSSOSessionTTL     = time.Hour
	DefaultSSOUser           = "jonsmith"

	DefaultSSORefreshTTL   = 90 * 24 * time.Hour
	DefaultSSOAccountsPage = 20
	DefaultSSORolesPage    = 10

	ssoClientSecretTTL  = 90 * 24 * time.Hour
	ssoAuthCodeTTL      = 5 * time.Minute
	deviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code"
	authCodeGrantType   = "authorization_code"
	refreshGrantType    = "refresh_token"
)

// SSOAssignment lets the IAM Identity Center user take the permission set
// RoleName in AccountID.
type SSOAssignment struct {
	AccountID string
	RoleName  string
	// AccountName is what ListAccounts calls the account (default
	// "account-ACCOUNTID"); the last one given for an account wins.
	AccountName string
	// SessionDuration is how long role credentials last (default 1h).
	SessionDuration time.Duration
}

// SSOClient is an OIDC client registered with RegisterClient.
type SSOClient struct {
	ClientID     string
	Name         string
	Type         string
	Scopes       []string
	GrantTypes   []string
	RedirectURIs []string
	IssuerURL    string
}

// SSOToken is an access token CreateToken issued.
type SSOToken struct {
	AccessToken string
	ClientID    string
	StartURL    string
	Expires     time.Time
}

// ssoState is what the SSO endpoints remember; guarded by Server.mu. The
// zero value is ready.
type ssoState struct {
	user        string
	interval    time.Duration
	deviceTTL   time.Duration
	tokenTTL    time.Duration
	assignments map[string]SSOAssignment // by account/role
	clients     map[string]*ssoClient    // by client id
	devices     map[string]*ssoDevice    // by device code
	tokens      map[string]*SSOToken     // by access token
	order       []string                 // client ids in registration order

	refreshTTL time.Duration
	refresh    map[string]*ssoRefresh  // by refresh token
	codes      map[string]*ssoAuthCode // by authorization code
	denied     bool                    // /authorize: the user denies
	names      map[string]string       // account names by id
	pageSize   [2]int                  // accounts, roles; 0: the defaults
	rate       int                     // list calls a second; 0: no limit
	rateWindow time.Time
	rateCount  int
}

type ssoRefresh struct {
	clientID, startURL string
	expires            time.Time
}

type ssoAuthCode struct {
	clientID, redirectURI, challenge, startURL string
	expires                                    time.Time
}

type ssoClient struct {
	SSOClient
	secret  string
	expires time.Time
}

type ssoDevice struct {
	code, userCode, clientID, startURL string
	expires                            time.Time
	interval                           time.Duration
	approved                           bool
	lastPoll                           time.Time // wall clock, for SlowDown
}

func (st *ssoState) init() {
	if st.assignments == nil {
		st.assignments = map[string]SSOAssignment{}
		st.clients = map[string]*ssoClient{}
		st.devices = map[string]*ssoDevice{}
		st.tokens = map[string]*SSOToken{}
		st.refresh = map[string]*ssoRefresh{}
		st.codes = map[string]*ssoAuthCode{}
		st.names = map[string]string{}
	}
}

// AddSSOAssignment assigns a permission set to the IAM Identity Center
// user, or replaces the assignment of the same account and role.
func (s *Server) AddSSOAssignment(a SSOAssignment) {
	if a.SessionDuration <= 0 {
		a.SessionDuration = DefaultSSOSessionTTL
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sso.init()
	s.sso.assignments[a.AccountID+"/"+a.RoleName] = a
	if a.AccountName != "" {
		s.sso.names[a.AccountID] = a.AccountName
	}
}

// RemoveSSOAssignment takes a permission set away from the user.
func (s *Server) RemoveSSOAssignment(accountID, roleName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sso.init()
	delete(s.sso.assignments, accountID+"/"+roleName)
}

// SetSSORefreshTTL sets the lifetime of the refresh tokens issued from now
// on (zero: the default, 90 days).
func (s *Server) SetSSORefreshTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sso.refreshTTL = d
}

// SetSSOAuthorizeDenied makes the user deny (true) or allow (false, the
// default) the requests /authorize shows from now on.
func (s *Server) SetSSOAuthorizeDenied(denied bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sso.denied = denied
}

// SetSSOPageSize sets the most accounts and roles one page of ListAccounts
// and ListAccountRoles holds (zero: the defaults, 20 and 10).
func (s *Server) SetSSOPageSize(accounts, roles int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sso.pageSize = [2]int{accounts, roles}
}

// SetSSORateLimit lets ListAccounts and ListAccountRoles take perSecond
// calls in each second of the wall clock, together, and answers the rest
// TooManyRequestsException (429); zero removes the limit.
func (s *Server) SetSSORateLimit(perSecond int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sso.rate = perSecond
}

// RevokeSSORefreshTokens makes every refresh token issued so far invalid
// and returns how many there were.
func (s *Server) RevokeSSORefreshTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.sso.refresh)
	s.sso.refresh = map[string]*ssoRefresh{}
	return n
}

// SSORefreshTokens returns how many valid refresh tokens there are.
func (s *Server) SSORefreshTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sso.refresh)
}

// SetSSOUser names the IAM Identity Center user who approves device codes
// (default DefaultSSOUser); it is the session name of the role credentials.
func (s *Server) SetSSOUser(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sso.user = name
}

// SetSSODeviceFlow sets the polling interval and the lifetime of the
// device codes StartDeviceAuthorization issues from now on (zero: the
// defaults, 1s and 10m).
func (s *Server) SetSSODeviceFlow(interval, expiresIn time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sso.interval, s.sso.deviceTTL = interval, expiresIn
}

// SetSSOTokenTTL sets the lifetime of the access tokens CreateToken issues
// from now on (zero: the default, 8h).
func (s *Server) SetSSOTokenTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sso.tokenTTL = d
}

// ApproveDevice approves the device authorization with userCode, as the
// user does in the browser. It fails for an unknown or expired code.
func (s *Server) ApproveDevice(userCode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.approveDevice(userCode, s.now().UTC())
}

func (s *Server) approveDevice(userCode string, now time.Time) error {
	s.sso.init()
	for _, d := range s.sso.devices {
		if userCode != "" && d.userCode == userCode {
			if !now.Before(d.expires) {
				return fmt.Errorf("user code %s has expired", userCode)
			}
			d.approved = true
			return nil
		}
	}
	return fmt.Errorf("no device authorization with user code %q", userCode)
}

// RevokeSSOTokens makes every access token issued so far invalid (as an
// administrator does) and returns how many there were. Refresh tokens are
// left: RevokeSSORefreshTokens takes those.
func (s *Server) RevokeSSOTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.sso.tokens)
	s.sso.tokens = map[string]*SSOToken{}
	return n
}

// SSOTokens returns the valid access tokens issued so far, oldest first.
func (s *Server) SSOTokens() []SSOToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SSOToken
	for _, t := range s.sso.tokens {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Expires.Before(out[j].Expires) })
	return out
}

// SSOClients returns the OIDC clients registered so far, in order.
func (s *Server) SSOClients() []SSOClient {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SSOClient
	for _, id := range s.sso.order {
		c := s.sso.clients[id].SSOClient
		c.Scopes = append([]string(nil), c.Scopes...)
		c.GrantTypes = append([]string(nil), c.GrantTypes...)
		c.RedirectURIs = append([]string(nil), c.RedirectURIs...)
		out = append(out, c)
	}
	return out
}

// isSSOPath reports whether path is served by serveSSO.
func isSSOPath(path string) bool {
	switch path {
	case "/client/register", "/device_authorization", "/token", "/authorize", "/federation/credentials",
		"/assignment/accounts", "/assignment/roles", "/logout", "/device", "/_test/approve":
		return true
	}
	return false
}

// ssoReply is the answer to one SSO request.
type ssoReply struct {
	status int
	body   any    // encoded as JSON
	text   string // plain text instead, for the browser pages
	// location, with status 302, is where a browser page redirects to.
	location string
	err      *ssoError
}

// ssoError is a REST-JSON error: the code goes in x-amzn-ErrorType; OIDC
// errors carry an OAuth error name too.
type ssoError struct {
	status int
	code   string
	oauth  string // "error" member of OIDC errors; "" for the portal
	msg    string
}

func oidcError(status int, code, oauth, msg string) *ssoError {
	return &ssoError{status: status, code: code, oauth: oauth, msg: msg}
}

func portalError(status int, code, msg string) *ssoError {
	return &ssoError{status: status, code: code, msg: msg}
}

// serveSSO answers the IAM Identity Center paths.
func (s *Server) serveSSO(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		http.Error(w, "bad request body", http.StatusBadRequest)
		return
	}
	service, action := "sso-oidc", ""
	switch r.URL.Path {
	case "/client/register":
		action = "RegisterClient"
	case "/device_authorization":
		action = "StartDeviceAuthorization"
	case "/token":
		action = "CreateToken"
	case "/authorize":
		action = "Authorize"
	case "/federation/credentials":
		service, action = "sso", "GetRoleCredentials"
	case "/assignment/accounts":
		service, action = "sso", "ListAccounts"
	case "/assignment/roles":
		service, action = "sso", "ListAccountRoles"
	case "/logout":
		service, action = "sso", "Logout"
	case "/device":
		service, action = "sso-device", "VerificationPage"
	case "/_test/approve":
		service, action = "sso-device", "ApproveDevice"
	}

	s.mu.Lock()
	s.sso.init()
	call := Call{Time: s.now().UTC(), Service: service, Action: action, Params: url.Values{}}
	reply := s.sso1(r, body, action, &call)
	if reply.err != nil {
		call.Err = reply.err.code
	}
	s.calls = append(s.calls, call)
	if s.onCall != nil {
		c := call
		c.Params = cloneValues(c.Params)
		s.onCall(c)
	}
	s.mu.Unlock()

	h := w.Header()
	h.Set("x-amzn-RequestId", requestID)
	if reply.location != "" {
		h.Set("Location", reply.location)
	}
	var out []byte
	status := reply.status
	switch {
	case reply.err != nil:
		e := reply.err
		status = e.status
		h.Set("X-Amzn-ErrorType", e.code)
		if e.oauth != "" {
			out, _ = json.Marshal(map[string]string{"error": e.oauth, "error_description": e.msg})
		} else {
			out, _ = json.Marshal(map[string]string{"message": e.msg})
		}
		h.Set("Content-Type", "application/json")
	case reply.body != nil:
		out, _ = json.Marshal(reply.body)
		h.Set("Content-Type", "application/json")
	default:
		out = []byte(reply.text)
		h.Set("Content-Type", "text/plain; charset=utf-8")
	}
	if status == 0 {
		status = http.StatusOK
	}
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// sso1 handles one request with s.mu held.
func (s *Server) sso1(r *http.Request, body []byte, action string, call *Call) ssoReply {
	wantMethod := http.MethodPost
	switch action {
	case "GetRoleCredentials", "ListAccounts", "ListAccountRoles", "Authorize", "VerificationPage", "ApproveDevice":
		wantMethod = http.MethodGet
	}
	if r.Method != wantMethod {
		return ssoReply{err: portalError(405, "MethodNotAllowedException", "use "+wantMethod)}
	}
	now := s.now().UTC()
	q := r.URL.Query()
	switch action {
	case "VerificationPage":
		code := q.Get("user_code")
		call.Params.Set("user_code", code)
		for _, d := range s.sso.devices {
			if code != "" && d.userCode == code && now.Before(d.expires) {
				state := "pending: approve it to let the application sign in"
				if d.approved {
					state = "approved"
				}
				return ssoReply{text: fmt.Sprintf("awsfake IAM Identity Center\nstart URL %s\nuser code %s is %s\n", d.startURL, code, state)}
			}
		}
		return ssoReply{status: 404, text: "unknown or expired user code\n"}
	case "ApproveDevice":
		code := q.Get("user_code")
		call.Params.Set("user_code", code)
		if err := s.approveDevice(code, now); err != nil {
			return ssoReply{status: 404, text: err.Error() + "\n"}
		}
		return ssoReply{text: "approved\n"}
	case "GetRoleCredentials":
		call.Params.Set("account_id", q.Get("account_id"))
		call.Params.Set("role_name", q.Get("role_name"))
		if f := s.injected(action); f != nil {
			return ssoReply{err: portalError(f.status, f.code, f.text())}
		}
		return s.ssoGetRoleCredentials(r.Header.Get("x-amz-sso_bearer_token"), q.Get("account_id"), q.Get("role_name"), now, call)
	case "Logout":
		// The token is revoked; an unknown one is 401, as the service does.
		tok := r.Header.Get("x-amz-sso_bearer_token")
		if _, ok := s.sso.tokens[tok]; !ok || tok == "" {
			return ssoReply{err: portalError(401, "UnauthorizedException", "Session token not found or invalid")}
		}
		delete(s.sso.tokens, tok)
		return ssoReply{text: ""}
	case "ListAccounts", "ListAccountRoles":
		for _, k := range []string{"account_id", "max_result"} {
			if v := q.Get(k); v != "" {
				call.Params.Set(k, v)
			}
		}
		if f := s.injected(action); f != nil {
			return ssoReply{err: portalError(f.status, f.code, f.text())}
		}
		return s.ssoList(action, r.Header.Get("x-amz-sso_bearer_token"), q, now)
	case "Authorize":
		for _, k := range []string{"response_type", "client_id", "redirect_uri", "code_challenge_method", "scopes"} {
			if v := q.Get(k); v != "" {
				call.Params.Set(k, v)
			}
		}
		return s.ssoAuthorize(q, now)
	}

	var in struct {
		ClientName   string   `json:"clientName"`
		ClientType   string   `json:"clientType"`
		Scopes       []string `json:"scopes"`
		ClientID     string   `json:"clientId"`
		ClientSecret string   `json:"clientSecret"`
		StartURL     string   `json:"startUrl"`
		GrantType    string   `json:"grantType"`
		DeviceCode   string   `json:"deviceCode"`
		GrantTypes   []string `json:"grantTypes"`
		RedirectURIs []string `json:"redirectUris"`
		IssuerURL    string   `json:"issuerUrl"`
		Code         string   `json:"code"`
		CodeVerifier string   `json:"codeVerifier"`
		RedirectURI  string   `json:"redirectUri"`
		RefreshToken string   `json:"refreshToken"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return ssoReply{err: oidcError(400, "InvalidRequestException", "invalid_request", "the request body is not valid JSON")}
		}
	}
	for k, v := range map[string]string{"clientName": in.ClientName, "clientType": in.ClientType, "clientId": in.ClientID, "startUrl": in.StartURL,
		"grantType": in.GrantType, "issuerUrl": in.IssuerURL, "redirectUri": in.RedirectURI} {
		if v != "" {
			call.Params.Set(k, v)
		}
	}
	for _, sc := range in.Scopes {
		call.Params.Add("scopes", sc)
	}
	for _, g := range in.GrantTypes {
		call.Params.Add("grantTypes", g)
	}
	for _, u := range in.RedirectURIs {
		call.Params.Add("redirectUris", u)
	}
	if f := s.injected(action); f != nil {
		return ssoReply{err: oidcError(f.status, f.code, "injected", f.text())}
	}
	switch action {
	case "RegisterClient":
		return s.ssoRegisterClient(in.ClientName, in.ClientType, in.Scopes, in.GrantTypes, in.RedirectURIs, in.IssuerURL, now)
	case "StartDeviceAuthorization":
		return s.ssoStartDeviceAuthorization(r, in.ClientID, in.ClientSecret, in.StartURL, now)
	default:
		return s.ssoCreateToken(tokenRequest{
			clientID: in.ClientID, secret: in.ClientSecret, grant: in.GrantType, deviceCode: in.DeviceCode,
			code: in.Code, verifier: in.CodeVerifier, redirectURI: in.RedirectURI, refreshToken: in.RefreshToken,
		}, now)
	}
}

// injected pops a failure queued with FailNext for action.
func (s *Server) injected(action string) *injectedFailure {
	q := s.failures[action]
	if len(q) == 0 {
		return nil
	}
	f := q[0]
	if len(q) == 1 {
		delete(s.failures, action)
	} else {
		s.failures[action] = q[1:]
	}
	return &f
}

var scopePattern = regexp.MustCompile(`^[A-Za-z0-9_.*-]+(:[A-Za-z0-9_.*-]+)*$`)

func (s *Server) ssoRegisterClient(name, typ string, scopes, grants, redirects []string, issuer string, now time.Time) ssoReply {
	switch {
	case name == "":
		return ssoReply{err: oidcError(400, "InvalidRequestException", "invalid_request", "clientName is required")}
	case typ == "":
		return ssoReply{err: oidcError(400, "InvalidRequestException", "invalid_request", "clientType is required")}
	case typ != "public":
		return ssoReply{err: oidcError(400, "InvalidClientMetadataException", "invalid_client_metadata", "clientType must be public")}
	}
	for _, sc := range scopes {
		if !scopePattern.MatchString(sc) {
			return ssoReply{err: oidcError(400, "InvalidScopeException", "invalid_scope", fmt.Sprintf("invalid scope %q", sc))}
		}
	}
	authCode := false
	for _, g := range grants {
		switch g {
		case authCodeGrantType:
			authCode = true
		case refreshGrantType, deviceCodeGrantType:
		default:
			return ssoReply{err: oidcError(400, "InvalidRequestException", "invalid_request", fmt.Sprintf("grant type %q is not supported", g))}
		}
	}
	if authCode {
		if len(redirects) == 0 || issuer == "" {
			return ssoReply{err: oidcError(400, "InvalidRequestException", "invalid_request", "the authorization_code grant needs redirectUris and issuerUrl")}
		}
		for _, ru := range redirects {
			if u, err := url.Parse(ru); err != nil || u.Scheme != "http" || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
				return ssoReply{err: oidcError(400, "InvalidRedirectUriException", "invalid_redirect_uri", fmt.Sprintf("redirect URI %q is not a loopback http URI", ru))}
			}
		}
	}
	c := &ssoClient{
		SSOClient: SSOClient{ClientID: randomString(secretAlphabet, 22), Name: name, Type: typ, Scopes: append([]string(nil), scopes...),
			GrantTypes: append([]string(nil), grants...), RedirectURIs: append([]string(nil), redirects...), IssuerURL: issuer},
		secret:  randomString(secretAlphabet, 200),
		expires: now.Add(ssoClientSecretTTL).Truncate(time.Second),
	}
	s.sso.clients[c.ClientID] = c
	s.sso.order = append(s.sso.order, c.ClientID)
	return ssoReply{body: map[string]any{
		"clientId":              c.ClientID,
		"clientSecret":          c.secret,
		"clientIdIssuedAt":      now.Unix(),
		"clientSecretExpiresAt": c.expires.Unix(),
	}}
}

// client authenticates an OIDC client by id and secret.
func (s *Server) client(id, secret string, now time.Time) (*ssoClient, *ssoError) {
	c := s.sso.clients[id]
	if c == nil || secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(c.secret)) != 1 {
		return nil, oidcError(401, "InvalidClientException", "invalid_client", "the client is not registered or its secret is wrong")
	}
	if !now.Before(c.expires) {
		return nil, oidcError(401, "InvalidClientException", "invalid_client", "the client registration has expired")
	}
	return c, nil
}

func (s *Server) ssoStartDeviceAuthorization(r *http.Request, id, secret, startURL string, now time.Time) ssoReply {
	c, err := s.client(id, secret, now)
	if err != nil {
		return ssoReply{err: err}
	}
	if u, perr := url.Parse(startURL); startURL == "" || perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ssoReply{err: oidcError(400, "InvalidRequestException", "invalid_request", "startUrl must be the URL of an AWS access portal")}
	}
	interval, ttl := s.sso.interval, s.sso.deviceTTL
	if interval <= 0 {
		interval = DefaultSSODeviceInterval
	}
	if ttl <= 0 {
		ttl = DefaultSSODeviceTTL
	}
	const letters = "BCDFGHJKLMNPQRST" // 16: randomString wants a divisor of 256
	d := &ssoDevice{
		code:     randomString(secretAlphabet, 64),
		userCode: randomString(letters, 4) + "-" + randomString(letters, 4),
		clientID: c.ClientID,
		startURL: startURL,
		expires:  now.Add(ttl),
		interval: interval,
	}
	s.sso.devices[d.code] = d
	verify := "http://" + r.Host + "/device"
	return ssoReply{body: map[string]any{
		"deviceCode":              d.code,
		"userCode":                d.userCode,
		"verificationUri":         verify,
		"verificationUriComplete": verify + "?user_code=" + d.userCode,
		"expiresIn":               int64(ttl / time.Second),
		"interval":                int64(interval / time.Second),
	}}
}

// tokenRequest is what CreateToken was given.
type tokenRequest struct {
	clientID, secret, grant, deviceCode, code, verifier, redirectURI, refreshToken string
}

func (s *Server) ssoCreateToken(in tokenRequest, now time.Time) ssoReply {
	c, err := s.client(in.clientID, in.secret, now)
	if err != nil {
		return ssoReply{err: err}
	}
	switch in.grant {
	case deviceCodeGrantType:
		d := s.sso.devices[in.deviceCode]
		if d == nil || d.clientID != c.ClientID {
			return ssoReply{err: oidcError(400, "InvalidGrantException", "invalid_grant", "the device code is not valid")}
		}
		if !now.Before(d.expires) {
			delete(s.sso.devices, in.deviceCode)
			return ssoReply{err: oidcError(400, "ExpiredTokenException", "expired_token", "the device code has expired")}
		}
		if !d.approved {
			// Polling cadence is measured on the wall clock, whatever SetNow says.
			wall := time.Now()
			tooSoon := !d.lastPoll.IsZero() && wall.Sub(d.lastPoll) < d.interval*4/5
			d.lastPoll = wall
			if tooSoon {
				return ssoReply{err: oidcError(400, "SlowDownException", "slow_down", "polling too often: wait longer between requests")}
			}
			return ssoReply{err: oidcError(400, "AuthorizationPendingException", "authorization_pending", "the user has not approved the request yet")}
		}
		delete(s.sso.devices, in.deviceCode)
		return s.issueToken(c, d.startURL, now)
	case authCodeGrantType:
		if !slices.Contains(c.GrantTypes, authCodeGrantType) {
			return ssoReply{err: oidcError(400, "UnauthorizedClientException", "unauthorized_client", "the client is not registered for the authorization_code grant")}
		}
		ac := s.sso.codes[in.code]
		if in.code == "" || ac == nil || ac.clientID != c.ClientID {
			return ssoReply{err: oidcError(400, "InvalidGrantException", "invalid_grant", "the authorization code is not valid")}
		}
		delete(s.sso.codes, in.code) // one use only, right or wrong
		if !now.Before(ac.expires) {
			return ssoReply{err: oidcError(400, "InvalidGrantException", "invalid_grant", "the authorization code has expired")}
		}
		if in.redirectURI != ac.redirectURI {
			return ssoReply{err: oidcError(400, "InvalidGrantException", "invalid_grant", "redirectUri differs from the one authorized")}
		}
		sum := sha256.Sum256([]byte(in.verifier))
		if in.verifier == "" || subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(ac.challenge)) != 1 {
			return ssoReply{err: oidcError(400, "InvalidGrantException", "invalid_grant", "the code verifier does not match the code challenge")}
		}
		return s.issueToken(c, ac.startURL, now)
	case refreshGrantType:
		rt := s.sso.refresh[in.refreshToken]
		if in.refreshToken == "" || rt == nil || rt.clientID != c.ClientID {
			return ssoReply{err: oidcError(400, "InvalidGrantException", "invalid_grant", "the refresh token is not valid")}
		}
		delete(s.sso.refresh, in.refreshToken) // rotated: the old one stops working
		if !now.Before(rt.expires) {
			return ssoReply{err: oidcError(400, "InvalidGrantException", "invalid_grant", "the refresh token has expired")}
		}
		return s.issueToken(c, rt.startURL, now)
	}
	return ssoReply{err: oidcError(400, "UnsupportedGrantTypeException", "unsupported_grant_type", fmt.Sprintf("grant type %q is not supported", in.grant))}
}

// issueToken answers CreateToken with a new access token for startURL and,
// for clients that may refresh, a refresh token.
func (s *Server) issueToken(c *ssoClient, startURL string, now time.Time) ssoReply {
	ttl := s.sso.tokenTTL
	if ttl <= 0 {
		ttl = DefaultSSOTokenTTL
	}
	tok := &SSOToken{
		AccessToken: "aoaFAKE" + randomString(secretAlphabet, 120),
		ClientID:    c.ClientID,
		StartURL:    startURL,
		Expires:     now.Add(ttl).Truncate(time.Second),
	}
	s.sso.tokens[tok.AccessToken] = tok
	body := map[string]any{
		"accessToken": tok.AccessToken,
		"tokenType":   "Bearer",
		"expiresIn":   int64(ttl / time.Second),
	}
	if len(c.Scopes) > 0 || slices.Contains(c.GrantTypes, refreshGrantType) {
		rttl := s.sso.refreshTTL
		if rttl <= 0 {
			rttl = DefaultSSORefreshTTL
		}
		rt := "aorFAKE" + randomString(secretAlphabet, 120)
		s.sso.refresh[rt] = &ssoRefresh{clientID: c.ClientID, startURL: startURL, expires: now.Add(rttl)}
		body["refreshToken"] = rt
	}
	return ssoReply{body: body}
}

// ssoAuthorize is the browser's /authorize page: a client that is not
// registered or a redirect URI it did not register is an error page (never
// a redirect, as OAuth requires); otherwise the user allows (or denies) at
// once and the page redirects to the client's loopback listener.
func (s *Server) ssoAuthorize(q url.Values, now time.Time) ssoReply {
	page := func(msg string) ssoReply {
		return ssoReply{status: 400, text: "awsfake IAM Identity Center: " + msg + "\n"}
	}
	c := s.sso.clients[q.Get("client_id")]
	if c == nil || !now.Before(c.expires) {
		return page("unknown or expired client_id")
	}
	redirect := q.Get("redirect_uri")
	if !slices.Contains(c.RedirectURIs, redirect) {
		return page("redirect_uri was not registered by this client")
	}
	u, err := url.Parse(redirect)
	if err != nil {
		return page("bad redirect_uri")
	}
	back := u.Query()
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	switch {
	case q.Get("response_type") != "code":
		back.Set("error", "unsupported_response_type")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		back.Set("error", "invalid_request")
		back.Set("error_description", "PKCE with code_challenge_method S256 is required")
	case s.sso.denied:
		back.Set("error", "access_denied")
		back.Set("error_description", "The user denied the request")
	default:
		code := randomString(secretAlphabet[:62], 48) // URL-safe
		s.sso.codes[code] = &ssoAuthCode{clientID: c.ClientID, redirectURI: redirect, challenge: q.Get("code_challenge"), startURL: c.IssuerURL, expires: now.Add(ssoAuthCodeTTL)}
		back.Set("code", code)
	}
	u.RawQuery = back.Encode()
	return ssoReply{status: http.StatusFound, location: u.String(), text: "redirecting to the application\n"}
}

func (s *Server) ssoGetRoleCredentials(token, account, role string, now time.Time, call *Call) ssoReply {
	if account == "" || role == "" {
		return ssoReply{err: portalError(400, "InvalidRequestException", "account_id and role_name are required")}
	}
	tok := s.sso.tokens[token]
	if token == "" || tok == nil || !now.Before(tok.Expires) {
		return ssoReply{err: portalError(401, "UnauthorizedException", "Session token not found or invalid")}
	}
	a, ok := s.sso.assignments[account+"/"+role]
	if !ok && len(s.sso.assignments) > 0 {
		return ssoReply{err: portalError(403, "ForbiddenException", "No access")}
	}
	if !ok {
		a = SSOAssignment{AccountID: account, RoleName: role, SessionDuration: DefaultSSOSessionTTL}
	}
	user := s.sso.user
	if user == "" {
		user = DefaultSSOUser
	}
	sum := sha256.Sum256([]byte(account + "/" + role))
	reserved := "AWSReservedSSO_" + role + "_" + hex.EncodeToString(sum[:8])
	roleARN := "arn:aws:iam::" + account + ":role/aws-reserved/sso.amazonaws.com/" + reserved
	p := s.issue(&principal{
		kind:    kindRoleSession,
		account: account,
		arn:     "arn:aws:sts::" + account + ":assumed-role/" + reserved + "/" + user,
		userID:  uniqueID("AROA", roleARN) + ":" + user,
	}, now, a.SessionDuration)
	call.AccessKeyID, call.Principal = p.accessKeyID, p.arn
	return ssoReply{body: map[string]any{"roleCredentials": map[string]any{
		"accessKeyId":     p.accessKeyID,
		"secretAccessKey": p.secretAccessKey,
		"sessionToken":    p.sessionToken,
		"expiration":      p.expires.UnixMilli(),
	}}}
}

// UserCodeOf extracts the user code from a verification URL the fake
// issued ("" if there is none).
func UserCodeOf(verificationURL string) string {
	u, err := url.Parse(verificationURL)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(u.Query().Get("user_code"))
}

// ssoList answers ListAccounts and ListAccountRoles: the user's
// assignments (every account and role they hold), a page at a time.
func (s *Server) ssoList(action, token string, q url.Values, now time.Time) ssoReply {
	if s.sso.rate > 0 {
		wall := time.Now().Truncate(time.Second)
		if !wall.Equal(s.sso.rateWindow) {
			s.sso.rateWindow, s.sso.rateCount = wall, 0
		}
		if s.sso.rateCount >= s.sso.rate {
			return ssoReply{err: portalError(429, "TooManyRequestsException", "Rate exceeded")}
		}
		s.sso.rateCount++
	}
	tok := s.sso.tokens[token]
	if token == "" || tok == nil || !now.Before(tok.Expires) {
		return ssoReply{err: portalError(401, "UnauthorizedException", "Session token not found or invalid")}
	}
	account := q.Get("account_id")
	if action == "ListAccountRoles" && account == "" {
		return ssoReply{err: portalError(400, "InvalidRequestException", "account_id is required")}
	}
	// The entries, sorted: account ids, or the roles of one account.
	var keys []string
	seen := map[string]bool{}
	for _, a := range s.sso.assignments {
		switch {
		case action == "ListAccounts" && !seen[a.AccountID]:
			seen[a.AccountID] = true
			keys = append(keys, a.AccountID)
		case action == "ListAccountRoles" && a.AccountID == account:
			keys = append(keys, a.RoleName)
		}
	}
	sort.Strings(keys)
	size := s.sso.pageSize[0]
	if size <= 0 {
		size = DefaultSSOAccountsPage
	}
	if action == "ListAccountRoles" {
		if size = s.sso.pageSize[1]; size <= 0 {
			size = DefaultSSORolesPage
		}
	}
	if v := q.Get("max_result"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return ssoReply{err: portalError(400, "InvalidRequestException", "max_result must be between 1 and 100")}
		}
		size = min(size, n)
	}
	// nextToken: the list it belongs to and the offset, hex-encoded.
	listID := action + "/" + account
	offset := 0
	if nt := q.Get("next_token"); nt != "" {
		raw, err := hex.DecodeString(nt)
		before, off, ok := strings.Cut(string(raw), "|")
		n, aerr := strconv.Atoi(off)
		if err != nil || !ok || before != listID || aerr != nil || n < 0 || n > len(keys) {
			return ssoReply{err: portalError(400, "InvalidRequestException", "next_token is not valid")}
		}
		offset = n
	}
	end := min(offset+size, len(keys))
	page := keys[offset:end]
	body := map[string]any{}
	if end < len(keys) {
		body["nextToken"] = hex.EncodeToString([]byte(listID + "|" + strconv.Itoa(end)))
	}
	if action == "ListAccounts" {
		list := []map[string]string{}
		for _, id := range page {
			name := s.sso.names[id]
			if name == "" {
				name = "account-" + id
			}
			list = append(list, map[string]string{"accountId": id, "accountName": name, "emailAddress": "aws+" + id + "@example.com"})
		}
		body["accountList"] = list
		return ssoReply{body: body}
	}
	list := []map[string]string{}
	for _, role := range page {
		list = append(list, map[string]string{"accountId": account, "roleName": role})
	}
	body["roleList"] = list
	return ssoReply{body: body}
}
