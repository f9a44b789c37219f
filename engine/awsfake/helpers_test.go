package awsfake

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

const (
	aliceAccount = "111111111111"
	aliceKey     = "AKIAALICEEXAMPLE0001"
	aliceSecret  = "aliceSecretKeyEXAMPLEaliceSecretKeyEXAMP"
	aliceSerial  = "arn:aws:iam::111111111111:mfa/alice"
	aliceCode    = "123456"
	aliceARN     = "arn:aws:iam::111111111111:user/alice"

	bobKey    = "AKIABOBEXAMPLE000002"
	bobSecret = "bobSecretKeyEXAMPLEbobSecretKeyEXAMPLEbo"

	adminRole   = "arn:aws:iam::222222222222:role/admin"    // RequireMFA, 12h
	readerRole  = "arn:aws:iam::222222222222:role/reader"   // no conditions, 1h
	longRole    = "arn:aws:iam::222222222222:role/long"     // 12h
	partnerRole = "arn:aws:iam::333333333333:role/partner"  // RequireExternalID
	webRole     = "arn:aws:iam::222222222222:role/ci/webid" // TrustWebIdentityToken
	externalID  = "ext-4711"
)

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// newTestServer starts a server with alice (MFA), bob (no MFA) and roles,
// on a fixed clock t0.
func newTestServer(t *testing.T) *Server {
	t.Helper()
	srv := Start(t)
	srv.SetNow(func() time.Time { return t0 })
	srv.AddUser(User{Name: "alice", AccountID: aliceAccount, AccessKeyID: aliceKey, SecretAccessKey: aliceSecret,
		MFASerial: aliceSerial, MFACode: aliceCode})
	srv.AddUser(User{Name: "bob", AccountID: aliceAccount, AccessKeyID: bobKey, SecretAccessKey: bobSecret})
	srv.AddRole(Role{ARN: adminRole, RequireMFA: true, MaxSessionDuration: 12 * time.Hour})
	srv.AddRole(Role{ARN: readerRole})
	srv.AddRole(Role{ARN: longRole, MaxSessionDuration: 12 * time.Hour})
	srv.AddRole(Role{ARN: partnerRole, RequireExternalID: externalID})
	srv.AddRole(Role{ARN: webRole, TrustWebIdentityToken: testJWT})
	return srv
}

// testJWT is an (unsigned) JWT whose claims the server reports back.
var testJWT = "eyJhbGciOiJub25lIn0." +
	base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"repo:example/app","iss":"https://token.example.com","aud":["sts.amazonaws.com"]}`)) +
	".c2lnbmF0dXJl"

func stsClient(srv *Server, creds aws.CredentialsProvider) *sts.Client {
	return sts.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  creds,
		BaseEndpoint: aws.String(srv.URL()),
	})
}

func static(akid, secret, token string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(akid, secret, token)
}

func fromSTS(c *types.Credentials) aws.CredentialsProvider {
	return static(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}

func alice(srv *Server) *sts.Client { return stsClient(srv, static(aliceKey, aliceSecret, "")) }

// wantAPIError checks that err is an AWS API error with code and HTTP status.
func wantAPIError(t *testing.T, err error, code string, status int) smithy.APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v (%T), want API error %s", err, err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("got error code %q (%v), want %q", ae.ErrorCode(), err, code)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP response error in %v", err)
	}
	if re.HTTPStatusCode() != status {
		t.Fatalf("got HTTP status %d, want %d (%v)", re.HTTPStatusCode(), status, err)
	}
	if re.ServiceRequestID() == "" {
		t.Errorf("no request id in %v", err)
	}
	return ae
}

func callerARN(t *testing.T, c *sts.Client) string {
	t.Helper()
	out, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	return aws.ToString(out.Arn)
}

func lastCall(t *testing.T, srv *Server) Call {
	t.Helper()
	calls := srv.Calls()
	if len(calls) == 0 {
		t.Fatal("no calls recorded")
	}
	return calls[len(calls)-1]
}

// rawRequest sends a hand-built request, signed with creds unless creds
// is zero, and returns status, headers and body.
func rawRequest(t *testing.T, srv *Server, method, query, body, service string, creds aws.Credentials) (int, http.Header, string) {
	t.Helper()
	u := srv.URL() + "/"
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	if creds.AccessKeyID != "" {
		sum := sha256.Sum256([]byte(body))
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "eu-west-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}
