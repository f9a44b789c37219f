package awsfake

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The console sign-in (federation) endpoint, reached by path rather than by
// SigV4 scope:
//
//	GET /federation?Action=getSigninToken&Session={"sessionId":…,"sessionKey":…,"sessionToken":…}[&SessionDuration=SECONDS]
//	    → 200 {"SigninToken":"…"}
//	GET /federation?Action=login&Issuer=…&Destination=URL&SigninToken=…
//	    → 302 to Destination
//	GET /oauth?Action=logout[&redirect_uri=URL]
//	    → 302 to redirect_uri (200 without one)
//
// getSigninToken accepts only temporary credentials this server issued
// from AssumeRole, AssumeRoleWithWebIdentity or GetFederationToken, not
// expired; like AWS it refuses GetSessionToken credentials and long-term
// keys. SessionDuration (900 to 43200 seconds) is accepted for role
// sessions only. A sign-in token is valid for 15 minutes.
//
// Calls are recorded with Service "signin" and the Action parameter as
// Action; the Session and SigninToken parameters are recorded as
// "REDACTED". FailNext works with these actions too (the status is the
// HTTP status, the code the response body).

// SigninTokenTTL is how long a sign-in token can be used.
const SigninTokenTTL = 15 * time.Minute

// SigninToken is a console sign-in token the server issued.
type SigninToken struct {
	Token string
	// AccessKeyID is the temporary access key the token was made from.
	AccessKeyID string
	// Principal is the ARN of those credentials (assumed-role/… or
	// federated-user/…).
	Principal string
	// SessionDuration is the console session asked for (0 if none).
	SessionDuration time.Duration
	Issued, Expires time.Time
}

// signinState is what the sign-in endpoint remembers; guarded by Server.mu.
type signinState struct {
	tokens []SigninToken
}

// SigninTokens returns the sign-in tokens issued so far, oldest first.
func (s *Server) SigninTokens() []SigninToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SigninToken(nil), s.signin.tokens...)
}

// signinError is a refusal of the sign-in endpoint: an HTTP status and a
// short code, which is also the response body.
type signinError struct {
	status int
	code   string
	msg    string
}

// serveSignin answers the /federation and /oauth paths.
func (s *Server) serveSignin(w http.ResponseWriter, r *http.Request) {
	params, perr := url.ParseQuery(r.URL.RawQuery)
	action := ""
	if perr == nil {
		action = params.Get("Action")
	}

	s.mu.Lock()
	call := Call{Time: s.now().UTC(), Service: "signin", Action: action, Params: redactSignin(params)}
	status, header, body, serr := s.signin1(r, params, perr, &call)
	if serr != nil {
		status, body = serr.status, serr.code+": "+serr.msg+"\n"
		header = http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
		call.Err = serr.code
	}
	s.calls = append(s.calls, call)
	if s.onCall != nil {
		c := call
		c.Params = cloneValues(c.Params)
		s.onCall(c)
	}
	s.mu.Unlock()

	for k, vs := range header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// signin1 handles one sign-in request with s.mu held.
func (s *Server) signin1(r *http.Request, params url.Values, perr error, call *Call) (int, http.Header, string, *signinError) {
	if perr != nil {
		return 0, nil, "", &signinError{400, "MalformedQueryString", perr.Error()}
	}
	if r.Method != http.MethodGet {
		return 0, nil, "", &signinError{405, "MethodNotAllowed", "use GET"}
	}
	action := params.Get("Action")
	switch {
	case r.URL.Path == "/federation" && action == "getSigninToken":
	case r.URL.Path == "/federation" && action == "login":
	case r.URL.Path == "/oauth" && action == "logout":
	default:
		return 0, nil, "", &signinError{400, "InvalidAction", fmt.Sprintf("unknown action %q on %s", action, r.URL.Path)}
	}
	if q := s.failures[action]; len(q) > 0 {
		f := q[0]
		if len(q) == 1 {
			delete(s.failures, action)
		} else {
			s.failures[action] = q[1:]
		}
		return 0, nil, "", &signinError{f.status, f.code, f.text()}
	}
	now := s.now().UTC()
	switch action {
	case "getSigninToken":
		return s.getSigninToken(params, now, call)
	case "login":
		tok := s.findSigninToken(params.Get("SigninToken"))
		if tok == nil {
			return 0, nil, "", &signinError{400, "InvalidSigninToken", "the sign-in token is not one this server issued"}
		}
		call.AccessKeyID, call.Principal = tok.AccessKeyID, tok.Principal
		if !now.Before(tok.Expires) {
			return 0, nil, "", &signinError{400, "ExpiredSigninToken", "the sign-in token has expired"}
		}
		dest := params.Get("Destination")
		if u, err := url.Parse(dest); err != nil || u.Scheme != "https" || u.Host == "" {
			return 0, nil, "", &signinError{400, "InvalidDestination", "Destination must be an https URL"}
		}
		return http.StatusFound, http.Header{"Location": {dest}}, "", nil
	default: // logout
		if redirect := params.Get("redirect_uri"); redirect != "" {
			return http.StatusFound, http.Header{"Location": {redirect}}, "", nil
		}
		return http.StatusOK, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, "logged out\n", nil
	}
}

func (s *Server) getSigninToken(params url.Values, now time.Time, call *Call) (int, http.Header, string, *signinError) {
	if !params.Has("Session") {
		return 0, nil, "", &signinError{400, "MissingSession", "the Session parameter is required"}
	}
	var sess struct {
		ID    string `json:"sessionId"`
		Key   string `json:"sessionKey"`
		Token string `json:"sessionToken"`
	}
	if err := json.Unmarshal([]byte(params.Get("Session")), &sess); err != nil {
		return 0, nil, "", &signinError{400, "MalformedSession", "Session must be a JSON object with sessionId, sessionKey and sessionToken"}
	}
	call.AccessKeyID = sess.ID
	p, ok := s.sessions[sess.ID]
	if !ok || sess.Key == "" || sess.Token == "" ||
		subtle.ConstantTimeCompare([]byte(sess.Key), []byte(p.secretAccessKey)) != 1 ||
		subtle.ConstantTimeCompare([]byte(sess.Token), []byte(p.sessionToken)) != 1 {
		return 0, nil, "", &signinError{400, "InvalidSession", "the session credentials are not valid temporary credentials"}
	}
	call.Principal = p.arn
	if !now.Before(p.expires) {
		return 0, nil, "", &signinError{400, "ExpiredToken", "the session credentials have expired"}
	}
	if p.kind != kindRoleSession && p.kind != kindFederated {
		return 0, nil, "", &signinError{400, "UnsupportedCredentials", "only credentials from AssumeRole* or GetFederationToken can sign in to the console"}
	}
	var d time.Duration
	if params.Has("SessionDuration") {
		n, err := strconv.Atoi(params.Get("SessionDuration"))
		if err != nil || n < 900 || n > 43200 {
			return 0, nil, "", &signinError{400, "InvalidSessionDuration", "SessionDuration must be 900 to 43200 seconds"}
		}
		if p.kind == kindFederated {
			return 0, nil, "", &signinError{400, "InvalidSessionDuration", "SessionDuration cannot be used with GetFederationToken credentials"}
		}
		d = time.Duration(n) * time.Second
	}
	var b [96]byte
	_, _ = rand.Read(b[:])
	tok := SigninToken{
		Token:           base64.RawURLEncoding.EncodeToString(b[:]),
		AccessKeyID:     p.accessKeyID,
		Principal:       p.arn,
		SessionDuration: d,
		Issued:          now,
		Expires:         now.Add(SigninTokenTTL),
	}
	s.signin.tokens = append(s.signin.tokens, tok)
	body, _ := json.Marshal(map[string]string{"SigninToken": tok.Token})
	return http.StatusOK, http.Header{"Content-Type": {"application/json"}}, string(body), nil
}

func (s *Server) findSigninToken(token string) *SigninToken {
	if token == "" {
		return nil
	}
	for i := range s.signin.tokens {
		if subtle.ConstantTimeCompare([]byte(token), []byte(s.signin.tokens[i].Token)) == 1 {
			return &s.signin.tokens[i]
		}
	}
	return nil
}

// redactSignin copies params without the secrets: the Session and
// SigninToken parameters, and the sign-in token inside a logout's
// redirect_uri.
func redactSignin(params url.Values) url.Values {
	out := redactParams(params)
	for _, k := range []string{"Session", "SigninToken"} {
		if _, ok := out[k]; ok {
			out[k] = []string{"REDACTED"}
		}
	}
	for i, v := range out["redirect_uri"] {
		u, err := url.Parse(v)
		if err != nil {
			out["redirect_uri"][i] = "REDACTED"
			continue
		}
		q := u.Query()
		if q.Has("SigninToken") {
			q.Set("SigninToken", "REDACTED")
			u.RawQuery = q.Encode()
			out["redirect_uri"][i] = u.String()
		}
	}
	return out
}
