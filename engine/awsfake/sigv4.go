package awsfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sigV4Auth is a parsed "Authorization: AWS4-HMAC-SHA256 ..." header.
type sigV4Auth struct {
	accessKeyID   string
	date          string // YYYYMMDD of the credential scope
	region        string
	service       string
	signedHeaders []string
	signature     string
}

const (
	sigV4Algorithm = "AWS4-HMAC-SHA256"
	amzDateFormat  = "20060102T150405Z"
)

// signer re-signs requests to check their signatures. It caches derived
// signing keys, which is safe for concurrent use.
var signer = v4.NewSigner()

func incompleteSignature(msg string) *apiError {
	return &apiError{Status: 400, Code: "IncompleteSignature", Message: msg}
}

// parseAuthorization returns the request's SigV4 authorization, nil if the
// request carries none, or an error if it is malformed.
func parseAuthorization(r *http.Request) (*sigV4Auth, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		if r.URL.Query().Get("X-Amz-Signature") != "" {
			return nil, &apiError{Status: 400, Code: "InvalidRequest", Message: "awsfake does not support presigned requests"}
		}
		return nil, nil
	}
	rest, ok := strings.CutPrefix(header, sigV4Algorithm+" ")
	if !ok {
		return nil, incompleteSignature("Authorization header must use the " + sigV4Algorithm + " algorithm.")
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, incompleteSignature("Authorization header requires each component to be of the form key=value. Got: " + strings.TrimSpace(part))
		}
		fields[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return nil, incompleteSignature("Authorization header requires '" + k + "' parameter.")
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" || scope[0] == "" {
		return nil, incompleteSignature("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/aws4_request")
	}
	return &sigV4Auth{
		accessKeyID:   scope[0],
		date:          scope[1],
		region:        scope[2],
		service:       scope[3],
		signedHeaders: strings.Split(fields["SignedHeaders"], ";"),
		signature:     fields["Signature"],
	}, nil
}

func invalidClientTokenID() *apiError {
	return &apiError{Status: 403, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
}

func signatureDoesNotMatch() *apiError {
	return &apiError{Status: 403, Code: "SignatureDoesNotMatch",
		Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
}

// authenticate checks the request's signature and returns who made it.
// The caller holds s.mu.
func (s *Server) authenticate(r *http.Request, body []byte, auth *sigV4Auth, now time.Time) (*principal, *apiError) {
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		return nil, incompleteSignature("Authorization header requires existence of a 'X-Amz-Date' header.")
	}
	signingTime, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return nil, incompleteSignature("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}

	token := r.Header.Get("X-Amz-Security-Token")
	var (
		caller *principal
		secret string
	)
	if u, ok := s.users[auth.accessKeyID]; ok {
		if token != "" {
			return nil, invalidClientTokenID()
		}
		caller = userPrincipal(u)
		secret = u.SecretAccessKey
	} else if sess, ok := s.sessions[auth.accessKeyID]; ok {
		if subtle.ConstantTimeCompare([]byte(token), []byte(sess.sessionToken)) != 1 {
			return nil, invalidClientTokenID()
		}
		caller = sess
		secret = sess.secretAccessKey
	} else {
		return nil, invalidClientTokenID()
	}

	if !verifySignature(r, body, auth, secret, signingTime) {
		return nil, signatureDoesNotMatch()
	}
	if caller.temporary() && !now.Before(caller.expires) {
		return nil, &apiError{Status: 403, Code: "ExpiredToken", Message: "The security token included in the request is expired"}
	}
	return caller, nil
}

// verifySignature rebuilds the request from its signed headers only, signs
// it with the SDK's signer and the given secret, and compares signatures in
// constant time.
func verifySignature(r *http.Request, body []byte, auth *sigV4Auth, secret string, signingTime time.Time) bool {
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		if h != payloadHash && h != "UNSIGNED-PAYLOAD" {
			return false
		}
		payloadHash = h
	}

	req := &http.Request{
		Method: r.Method,
		URL: &url.URL{
			Scheme:   "http",
			Host:     r.Host,
			Path:     r.URL.Path,
			RawPath:  r.URL.RawPath,
			RawQuery: r.URL.RawQuery,
		},
		Host:   r.Host,
		Header: http.Header{},
	}
	creds := aws.Credentials{AccessKeyID: auth.accessKeyID, SecretAccessKey: secret}
	for _, name := range auth.signedHeaders {
		switch name {
		case "host":
			// Always signed, from req.Host.
		case "content-length":
			req.ContentLength = int64(len(body))
		default:
			values := r.Header.Values(name)
			if len(values) == 0 {
				return false
			}
			req.Header[http.CanonicalHeaderKey(name)] = values
			if name == "x-amz-security-token" {
				creds.SessionToken = values[0]
			}
		}
	}

	if err := signer.SignHTTP(r.Context(), creds, req, payloadHash, auth.service, auth.region, signingTime); err != nil {
		return false
	}
	_, want, ok := strings.Cut(req.Header.Get("Authorization"), "Signature=")
	return ok && hmac.Equal([]byte(want), []byte(auth.signature))
}
