// Package awsfake is a project-owned fake AWS endpoint for tests.
//
// A Server listens on 127.0.0.1 and speaks the real AWS query protocol and
// XML wire format of STS (API version 2011-06-15), so unmodified AWS SDK
// clients and the AWS CLI can be pointed at it (BaseEndpoint,
// AWS_ENDPOINT_URL_STS or --endpoint-url). Every signed request is verified
// by re-signing it with the SDK's own SigV4 signer, using the secret of the
// long-term user key or of the temporary credentials the server issued.
//
// The server keeps an ordered log of calls (see Calls) that never contains
// secret material, and can be told to fail the next call of an action with
// an arbitrary AWS error (see FailNext).
//
// Requests are routed by the signing service named in the SigV4 credential
// scope: "sts" (the default, also for unsigned requests) and "iam". Each
// service is a table of action handlers (see service in services.go), so
// more services and actions can be added in their own files. The console
// sign-in endpoint (/federation and /oauth) is routed by path instead; see
// federation.go. So are IAM Identity Center's OIDC and portal APIs; see
// sso.go.
package awsfake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// User is a long-term IAM user with one access key and, optionally, one
// virtual MFA device whose current one-time code is MFACode. Users with the
// same AccountID and Name are one IAM user with several keys (IAM's
// CreateAccessKey adds them; see iam.go).
//
// Its ARN is arn:aws:iam::AccountID:user/Name.
type User struct {
	Name            string `json:"name"`
	AccountID       string `json:"account_id"`
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key"`
	MFASerial       string `json:"mfa_serial,omitempty"`
	MFACode         string `json:"mfa_code,omitempty"`
}

// ARN returns arn:aws:iam::ACCOUNT:user/NAME.
func (u User) ARN() string {
	return "arn:aws:iam::" + u.AccountID + ":user/" + u.Name
}

// Role is an IAM role that any authenticated principal may assume, subject
// to the conditions set here.
type Role struct {
	// ARN is arn:aws:iam::ACCOUNT:role/[PATH/]NAME.
	ARN string
	// RequireMFA makes AssumeRole refuse callers without MFA: either a
	// SerialNumber/TokenCode pair in the request, or credentials descended
	// from a GetSessionToken call made with MFA.
	RequireMFA bool
	// MaxSessionDuration is the longest DurationSeconds allowed (default 1h).
	MaxSessionDuration time.Duration
	// RequireExternalID, when set, must equal the ExternalId parameter.
	RequireExternalID string
	// TrustWebIdentityToken, when set, is the one web identity token
	// accepted by AssumeRoleWithWebIdentity for this role.
	TrustWebIdentityToken string
}

// Call is one request the server received, recorded in arrival order.
// It never holds secrets: the secret key and session token are not part of
// it, and secret-bearing parameters (such as WebIdentityToken) are replaced
// by "REDACTED". MFA TokenCode values are kept.
type Call struct {
	Time    time.Time `json:"time"`
	Service string    `json:"service"`
	Action  string    `json:"action"`
	// Region is the region of the SigV4 credential scope ("" if unsigned).
	Region string `json:"region,omitempty"`
	// AccessKeyID is the access key that signed the request ("" if unsigned).
	AccessKeyID string     `json:"access_key_id,omitempty"`
	Params      url.Values `json:"params,omitempty"`
	// Principal is the ARN of the authenticated caller ("" if none).
	Principal string `json:"principal,omitempty"`
	// Err is the AWS error code returned, "" on success.
	Err string `json:"err,omitempty"`
}

// Server is a fake AWS endpoint. Its methods are safe for concurrent use.
// The zero value is not usable; call New or Start.
type Server struct {
	mu       sync.Mutex
	now      func() time.Time
	users    map[string]*User      // by access key id
	roles    map[string]*Role      // by ARN
	sessions map[string]*principal // temporary credentials by access key id
	calls    []Call
	failures map[string][]injectedFailure
	lose     map[string]int // lose.go
	onCall   func(Call)
	iam      iamState    // iam.go
	signin   signinState // federation.go
	sso      ssoState    // sso.go

	ln  net.Listener
	srv *http.Server
}

type injectedFailure struct {
	code    string
	status  int
	message string // "" means "injected failure"
}

// text is the error message the failure is answered with.
func (f injectedFailure) text() string {
	if f.message == "" {
		return "injected failure"
	}
	return f.message
}

// New returns a server that is not listening yet; see Listen and Serve.
func New() *Server {
	return &Server{
		now:      time.Now,
		users:    map[string]*User{},
		roles:    map[string]*Role{},
		sessions: map[string]*principal{},
		failures: map[string][]injectedFailure{},
	}
}

// Start returns a server listening on a free port of 127.0.0.1 and serving
// in the background. It is closed when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := New()
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatalf("awsfake: %v", err)
	}
	go func() { _ = s.Serve() }()
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Listen binds addr (such as "127.0.0.1:0"). Call Serve to handle requests.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		_ = ln.Close()
		return errors.New("awsfake: already listening")
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// Serve handles requests on the listener bound by Listen until Close is
// called, in which case it returns nil.
func (s *Server) Serve() error {
	s.mu.Lock()
	ln, srv := s.ln, s.srv
	s.mu.Unlock()
	if ln == nil {
		return errors.New("awsfake: Serve called before Listen")
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops the server, waiting briefly for requests in flight.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return srv.Close()
	}
	return nil
}

// URL returns the base URL of the server, "http://127.0.0.1:PORT", or ""
// before Listen.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// SetNow sets the clock used for issuing and expiring credentials
// (default time.Now). It does not affect the SigV4 signing time, which is
// not checked against the clock.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	s.now = now
}

// AddUser adds a long-term user, or replaces the one with the same access
// key id (for example to change its MFA code).
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.AccessKeyID] = &u
}

// AddRole adds a role, or replaces the one with the same ARN.
func (s *Server) AddRole(r Role) {
	if r.MaxSessionDuration <= 0 {
		r.MaxSessionDuration = time.Hour
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[r.ARN] = &r
}

// OnCall registers fn to be called with every Call as it is recorded, in
// order. fn runs with the server's lock held: it must be quick and must not
// call the Server.
func (s *Server) OnCall(fn func(Call)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onCall = fn
}

// Calls returns a copy of the calls received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		c.Params = cloneValues(c.Params)
		out[i] = c
	}
	return out
}

// ResetCalls forgets the calls received so far.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// CountCalls returns how many calls of action (any service) were received,
// whether they succeeded or not.
func (s *Server) CountCalls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Action == action {
			n++
		}
	}
	return n
}

// FailNext makes the next call of action fail with the AWS error code and
// HTTP status given (status 0 means 400). The failure is injected after
// the request passed signature verification, so a badly signed request is
// refused as usual and leaves the failure queued; the call is recorded
// with Err set to code. Failures queue up:
// calling it twice fails the next two calls. Note that SDK clients retry
// 5xx and throttling errors, so such a failure is usually invisible to them
// unless queued as many times as the client's attempts.
func (s *Server) FailNext(action, code string, status int) {
	s.FailNextMessage(action, code, "", status)
}

// FailNextMessage is FailNext with the error message to answer with
// (FailNext answers "injected failure"), for tests that check how an AWS
// error's message reaches the user.
func (s *Server) FailNextMessage(action, code, message string, status int) {
	if status == 0 {
		status = http.StatusBadRequest
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[action] = append(s.failures[action], injectedFailure{code: code, status: status, message: message})
}

// maxBody bounds the size of a request body.
const maxBody = 1 << 20

// ServeHTTP implements http.Handler. The console sign-in paths /federation
// and /oauth go to the sign-in endpoint (federation.go); every other request
// is an AWS query-protocol request (POST form or GET query).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/federation" || r.URL.Path == "/oauth" {
		s.serveSignin(w, r)
		return
	}
	if isSSOPath(r.URL.Path) {
		s.serveSSO(w, r)
		return
	}
	requestID := newRequestID()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(body) > maxBody {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	resp := s.handle(r, body, requestID)
	if s.loseAnswer(w, r, body) {
		return
	}
	resp.write(w, requestID)
}

// handle processes one query-protocol request under the server's lock and
// returns the response to write.
func (s *Server) handle(r *http.Request, body []byte, requestID string) *response {
	params, perr := requestParams(r, body)
	auth, aerr := parseAuthorization(r)

	svcName := "sts"
	if aerr == nil && auth != nil {
		svcName = auth.service
	}
	svc := services[svcName]
	if svc == nil {
		svc = services["sts"]
	}
	action := params.Get("Action")

	s.mu.Lock()
	defer s.mu.Unlock()

	call := Call{
		Time:    s.now().UTC(),
		Service: svc.name,
		Action:  action,
		Params:  redactParams(params),
	}
	if auth != nil {
		call.Region = auth.region
		call.AccessKeyID = auth.accessKeyID
	}

	resp := s.dispatch(svc, r, body, params, perr, auth, aerr, &call)
	if resp.err != nil {
		call.Err = resp.err.Code
	}
	s.calls = append(s.calls, call)
	if s.onCall != nil {
		c := call
		c.Params = cloneValues(c.Params)
		s.onCall(c)
	}
	return resp
}

func (s *Server) dispatch(svc *service, r *http.Request, body []byte, params url.Values, perr error, auth *sigV4Auth, aerr *apiError, call *Call) *response {
	fail := func(e *apiError) *response { return &response{namespace: svc.namespace, err: e} }
	if perr != nil {
		return fail(errMalformedQuery(perr))
	}
	action := params.Get("Action")
	if action == "" {
		return fail(&apiError{Status: 400, Code: "MissingAction", Message: "Missing Action"})
	}
	h, ok := svc.actions[action]
	if !ok {
		return fail(&apiError{Status: 400, Code: "InvalidAction",
			Message: fmt.Sprintf("Could not find operation %s for version %s", action, params.Get("Version"))})
	}
	if v := params.Get("Version"); v != svc.version {
		return fail(&apiError{Status: 400, Code: "InvalidAction",
			Message: fmt.Sprintf("Could not find operation %s for version %s", action, v)})
	}

	rc := &requestContext{server: s, params: params, now: s.now().UTC()}
	if !svc.unsigned[action] {
		if aerr != nil {
			return fail(aerr)
		}
		if auth == nil {
			return fail(&apiError{Status: 403, Code: "MissingAuthenticationToken", Message: "Request is missing Authentication Token"})
		}
		if auth.service != svc.name {
			return fail(&apiError{Status: 403, Code: "SignatureDoesNotMatch",
				Message: fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", svc.name)})
		}
		caller, err := s.authenticate(r, body, auth, rc.now)
		if err != nil {
			return fail(err)
		}
		rc.caller = caller
		call.Principal = caller.arn
	}

	if q := s.failures[action]; len(q) > 0 {
		f := q[0]
		if len(q) == 1 {
			delete(s.failures, action)
		} else {
			s.failures[action] = q[1:]
		}
		return fail(&apiError{Status: f.status, Code: f.code, Message: f.text()})
	}

	result, err := h(rc)
	if err != nil {
		return fail(err)
	}
	if rc.principal != "" {
		call.Principal = rc.principal
	}
	return &response{namespace: svc.namespace, action: action, result: result}
}

// requestParams merges the URL query and, for form posts, the body.
func requestParams(r *http.Request, body []byte) (url.Values, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	return params, nil
}

// secretParams are request parameters that carry secrets; their values are
// never recorded.
var secretParams = map[string]bool{
	"WebIdentityToken":     true,
	"SAMLAssertion":        true,
	"SecretAccessKey":      true,
	"SessionToken":         true,
	"Password":             true,
	"NewPassword":          true,
	"OldPassword":          true,
	"X-Amz-Security-Token": true,
	"X-Amz-Signature":      true,
}

func redactParams(params url.Values) url.Values {
	out := url.Values{}
	for k, vs := range params {
		if secretParams[k] {
			out[k] = []string{"REDACTED"}
			continue
		}
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// apiError is an AWS error response.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errMalformedQuery(err error) *apiError {
	return &apiError{Status: 400, Code: "MalformedQueryString", Message: err.Error()}
}

// response is what a request is answered with: either a result wrapped in
// <ActionResponse><ActionResult>, or an ErrorResponse.
type response struct {
	namespace string
	action    string
	result    any
	err       *apiError
}

func (resp *response) write(w http.ResponseWriter, requestID string) {
	var buf bytes.Buffer
	status := http.StatusOK
	if resp.err != nil {
		status = resp.err.Status
		writeErrorXML(&buf, resp.namespace, resp.err, requestID)
	} else if err := writeResultXML(&buf, resp.namespace, resp.action, resp.result, requestID); err != nil {
		buf.Reset()
		status = http.StatusInternalServerError
		writeErrorXML(&buf, resp.namespace, &apiError{Status: status, Code: "InternalFailure", Message: err.Error()}, requestID)
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeResultXML(buf *bytes.Buffer, namespace, action string, result any, requestID string) error {
	fmt.Fprintf(buf, `<%sResponse xmlns="%s">`, action, namespace)
	enc := xml.NewEncoder(buf)
	if result != nil {
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return err
		}
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(buf, `</%sResponse>`, action)
	return nil
}

func writeErrorXML(buf *bytes.Buffer, namespace string, e *apiError, requestID string) {
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	fmt.Fprintf(buf, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
		namespace, typ, xmlEscape(e.Code), xmlEscape(e.Message), requestID)
}

// xmlEscape escapes text for an XML element, leaving quotes readable.
var xmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// newRequestID returns a random UUID (version 4).
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
