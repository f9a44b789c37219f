package awsfake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"net/url"
	"strings"
	"time"
)

// service is one AWS query-protocol service: the signing name that routes
// requests to it, the API version and XML namespace of its responses, and
// its actions. Services register themselves in services from their own
// files (sts.go, iam.go, ...).
type service struct {
	name      string // SigV4 signing name, e.g. "sts"
	version   string // required Version parameter
	namespace string // xmlns of responses and errors
	actions   map[string]handlerFunc
	unsigned  map[string]bool // actions that take no SigV4 signature
}

// handlerFunc answers one action. It runs with the server's lock held and
// returns the value to encode inside <ActionResult> (nil for none) or an
// AWS error.
type handlerFunc func(rc *requestContext) (any, *apiError)

// services maps a SigV4 signing name to its service.
var services = map[string]*service{}

func registerService(svc *service) { services[svc.name] = svc }

// requestContext is what a handler gets to work with.
type requestContext struct {
	server *Server
	params url.Values
	now    time.Time
	// caller is the authenticated principal; nil for unsigned actions.
	caller *principal
	// principal, if set by the handler, is recorded as the Call's
	// Principal (for unsigned actions that establish an identity).
	principal string
}

// credKind is where a principal's credentials came from.
type credKind int

const (
	kindUser         credKind = iota // long-term IAM user access key
	kindSessionToken                 // GetSessionToken
	kindRoleSession                  // AssumeRole, AssumeRoleWithWebIdentity
	kindFederated                    // GetFederationToken
)

// principal is an authenticated identity: a long-term user, or the
// temporary credentials the server issued (kept in Server.sessions).
type principal struct {
	kind    credKind
	account string
	arn     string // as returned by GetCallerIdentity
	userID  string // as returned by GetCallerIdentity

	// rootKey is the access key id of the long-term user at the root of
	// the credential chain ("" for chains started by a web identity).
	rootKey string
	// mfa is whether MFA was presented somewhere along the chain.
	mfa bool

	// Temporary credentials only.
	accessKeyID     string
	secretAccessKey string
	sessionToken    string
	expires         time.Time
	sourceIdentity  string
	transitiveTags  map[string]string
}

func (p *principal) temporary() bool { return p.kind != kindUser }

func userPrincipal(u *User) *principal {
	return &principal{
		kind:        kindUser,
		account:     u.AccountID,
		arn:         u.ARN(),
		userID:      uniqueID("AIDA", u.ARN()),
		rootKey:     u.AccessKeyID,
		accessKeyID: u.AccessKeyID,
	}
}

// issue creates temporary credentials for p (whose identity fields are
// set), valid for d from now, and remembers them.
func (s *Server) issue(p *principal, now time.Time, d time.Duration) *principal {
	p.accessKeyID = "ASIA" + randomString(upperAlnum, 16)
	p.secretAccessKey = randomString(secretAlphabet, 40)
	p.sessionToken = "FQoFAKE" + randomString(secretAlphabet, 180)
	p.expires = now.Add(d).Truncate(time.Second)
	s.sessions[p.accessKeyID] = p
	return p
}

// uniqueID derives a stable IAM unique id (like AIDA... or AROA...) from
// name.
func uniqueID(prefix, name string) string {
	sum := sha256.Sum256([]byte(name))
	return prefix + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

const (
	upperAlnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// randomString returns n characters of alphabet (whose length must divide
// 256) from crypto/rand.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	var sb strings.Builder
	sb.Grow(n)
	for _, c := range b {
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}
