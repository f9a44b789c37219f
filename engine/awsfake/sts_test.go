package awsfake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

var ctx = context.Background()

func TestGetSessionToken(t *testing.T) {
	srv := newTestServer(t)
	c := alice(srv)

	t.Run("without MFA", func(t *testing.T) {
		out, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		cr := out.Credentials
		if !strings.HasPrefix(aws.ToString(cr.AccessKeyId), "ASIA") || aws.ToString(cr.SecretAccessKey) == "" || aws.ToString(cr.SessionToken) == "" {
			t.Fatalf("bad credentials %+v", cr)
		}
		if want := t0.Add(43200 * time.Second); !cr.Expiration.Equal(want) {
			t.Errorf("expiration %v, want %v", cr.Expiration, want)
		}
		if got := callerARN(t, stsClient(srv, fromSTS(cr))); got != aliceARN {
			t.Errorf("caller %q, want %q", got, aliceARN)
		}
	})

	t.Run("with MFA", func(t *testing.T) {
		out, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{
			DurationSeconds: aws.Int32(3600), SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode),
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := t0.Add(time.Hour); !out.Credentials.Expiration.Equal(want) {
			t.Errorf("expiration %v, want %v", out.Credentials.Expiration, want)
		}
		call := lastCall(t, srv)
		if call.Action != "GetSessionToken" || call.Params.Get("TokenCode") != aliceCode || call.Principal != aliceARN || call.Err != "" {
			t.Errorf("call %+v", call)
		}
	})

	t.Run("wrong code", func(t *testing.T) {
		_, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String("000000")})
		ae := wantAPIError(t, err, "AccessDenied", 403)
		if ae.ErrorMessage() != "MultiFactorAuthentication failed with invalid MFA one time pass code." {
			t.Errorf("message %q", ae.ErrorMessage())
		}
		if call := lastCall(t, srv); call.Err != "AccessDenied" {
			t.Errorf("call.Err = %q", call.Err)
		}
	})

	t.Run("wrong serial", func(t *testing.T) {
		_, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String("arn:aws:iam::111111111111:mfa/eve"), TokenCode: aws.String(aliceCode)})
		wantAPIError(t, err, "AccessDenied", 403)
	})

	t.Run("user without MFA device", func(t *testing.T) {
		_, err := stsClient(srv, static(bobKey, bobSecret, "")).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)})
		wantAPIError(t, err, "AccessDenied", 403)
	})

	t.Run("duration out of range", func(t *testing.T) {
		for _, d := range []int32{899, 129601} {
			_, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(d)})
			wantAPIError(t, err, "ValidationError", 400)
		}
		if _, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129600)}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("refused for session credentials", func(t *testing.T) {
		out, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = stsClient(srv, fromSTS(out.Credentials)).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		ae := wantAPIError(t, err, "AccessDenied", 403)
		if !strings.Contains(ae.ErrorMessage(), "Cannot call GetSessionToken with session credentials") {
			t.Errorf("message %q", ae.ErrorMessage())
		}

		role, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("s1")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = stsClient(srv, fromSTS(role.Credentials)).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		wantAPIError(t, err, "AccessDenied", 403)
	})
}

func TestAssumeRole(t *testing.T) {
	srv := newTestServer(t)
	c := alice(srv)

	t.Run("long-term key", func(t *testing.T) {
		out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("alice@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		wantARN := "arn:aws:sts::222222222222:assumed-role/reader/alice@example.com"
		if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
			t.Errorf("assumed role ARN %q, want %q", got, wantARN)
		}
		if id := aws.ToString(out.AssumedRoleUser.AssumedRoleId); !strings.HasPrefix(id, "AROA") || !strings.HasSuffix(id, ":alice@example.com") {
			t.Errorf("assumed role id %q", id)
		}
		if !out.Credentials.Expiration.Equal(t0.Add(time.Hour)) {
			t.Errorf("expiration %v", out.Credentials.Expiration)
		}
		if out.PackedPolicySize != nil {
			t.Errorf("PackedPolicySize = %d without tags or policy", *out.PackedPolicySize)
		}
		if got := callerARN(t, stsClient(srv, fromSTS(out.Credentials))); got != wantARN {
			t.Errorf("caller %q, want %q", got, wantARN)
		}
	})

	t.Run("unknown role", func(t *testing.T) {
		missing := "arn:aws:iam::222222222222:role/missing"
		_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(missing), RoleSessionName: aws.String("s1")})
		ae := wantAPIError(t, err, "AccessDenied", 403)
		want := "User: " + aliceARN + " is not authorized to perform: sts:AssumeRole on resource: " + missing
		if ae.ErrorMessage() != want {
			t.Errorf("message %q, want %q", ae.ErrorMessage(), want)
		}
	})

	t.Run("bad session name", func(t *testing.T) {
		for _, name := range []string{"a", "has space", strings.Repeat("x", 65)} {
			_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String(name)})
			wantAPIError(t, err, "ValidationError", 400)
		}
	})

	t.Run("duration over MaxSessionDuration", func(t *testing.T) {
		_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(3601)})
		ae := wantAPIError(t, err, "ValidationError", 400)
		if ae.ErrorMessage() != "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." {
			t.Errorf("message %q", ae.ErrorMessage())
		}
		out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(longRole), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(43200)})
		if err != nil {
			t.Fatal(err)
		}
		if !out.Credentials.Expiration.Equal(t0.Add(12 * time.Hour)) {
			t.Errorf("expiration %v", out.Credentials.Expiration)
		}
	})

	t.Run("role chaining over 1h", func(t *testing.T) {
		first, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(longRole), RoleSessionName: aws.String("first"), DurationSeconds: aws.Int32(7200)})
		if err != nil {
			t.Fatal(err)
		}
		chained := stsClient(srv, fromSTS(first.Credentials))
		_, err = chained.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(longRole), RoleSessionName: aws.String("second"), DurationSeconds: aws.Int32(7200)})
		ae := wantAPIError(t, err, "ValidationError", 400)
		if ae.ErrorMessage() != "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." {
			t.Errorf("message %q", ae.ErrorMessage())
		}
		second, err := chained.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("second")})
		if err != nil {
			t.Fatal(err)
		}
		if got := callerARN(t, stsClient(srv, fromSTS(second.Credentials))); got != "arn:aws:sts::222222222222:assumed-role/reader/second" {
			t.Errorf("chained caller %q", got)
		}
		if call := lastCall(t, srv); call.Principal != "arn:aws:sts::222222222222:assumed-role/reader/second" {
			t.Errorf("principal %q", call.Principal)
		}
	})
}

func TestAssumeRoleMFA(t *testing.T) {
	srv := newTestServer(t)
	c := alice(srv)
	admin := func(c *sts.Client, in *sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
		if in == nil {
			in = &sts.AssumeRoleInput{}
		}
		in.RoleArn, in.RoleSessionName = aws.String(adminRole), aws.String("admin-session")
		return c.AssumeRole(ctx, in)
	}

	t.Run("refused without MFA", func(t *testing.T) {
		_, err := admin(c, nil)
		ae := wantAPIError(t, err, "AccessDenied", 403)
		if !strings.Contains(ae.ErrorMessage(), "is not authorized to perform: sts:AssumeRole on resource: "+adminRole) {
			t.Errorf("message %q", ae.ErrorMessage())
		}
	})

	t.Run("MFA in request", func(t *testing.T) {
		if _, err := admin(c, &sts.AssumeRoleInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("wrong code in request", func(t *testing.T) {
		_, err := admin(c, &sts.AssumeRoleInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String("654321")})
		ae := wantAPIError(t, err, "AccessDenied", 403)
		if ae.ErrorMessage() != "MultiFactorAuthentication failed with invalid MFA one time pass code." {
			t.Errorf("message %q", ae.ErrorMessage())
		}
	})

	t.Run("session with MFA", func(t *testing.T) {
		sess, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)})
		if err != nil {
			t.Fatal(err)
		}
		out, err := admin(stsClient(srv, fromSTS(sess.Credentials)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !out.Credentials.Expiration.Equal(t0.Add(time.Hour)) {
			t.Errorf("expiration %v", out.Credentials.Expiration)
		}
		call := lastCall(t, srv)
		if call.AccessKeyID != aws.ToString(sess.Credentials.AccessKeyId) || call.Principal != aliceARN {
			t.Errorf("call %+v", call)
		}
	})

	t.Run("session without MFA", func(t *testing.T) {
		sess, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = admin(stsClient(srv, fromSTS(sess.Credentials)), nil)
		wantAPIError(t, err, "AccessDenied", 403)
	})

	t.Run("MFA in request signed by a plain session", func(t *testing.T) {
		sess, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin(stsClient(srv, fromSTS(sess.Credentials)), &sts.AssumeRoleInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("MFA propagates through chained roles", func(t *testing.T) {
		sess, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)})
		if err != nil {
			t.Fatal(err)
		}
		reader, err := stsClient(srv, fromSTS(sess.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("hop")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin(stsClient(srv, fromSTS(reader.Credentials)), nil); err != nil {
			t.Fatal(err)
		}

		plain, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("hop")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = admin(stsClient(srv, fromSTS(plain.Credentials)), nil)
		wantAPIError(t, err, "AccessDenied", 403)
		// The root user's MFA device can still be presented by a role session.
		if _, err := admin(stsClient(srv, fromSTS(plain.Credentials)), &sts.AssumeRoleInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAssumeRoleParametersRecorded(t *testing.T) {
	srv := newTestServer(t)
	c := alice(srv)
	in := func(ext string) *sts.AssumeRoleInput {
		return &sts.AssumeRoleInput{
			RoleArn:           aws.String(partnerRole),
			RoleSessionName:   aws.String("partner-session"),
			ExternalId:        aws.String(ext),
			SourceIdentity:    aws.String("alice"),
			Tags:              []types.Tag{{Key: aws.String("Project"), Value: aws.String("vault")}, {Key: aws.String("Team"), Value: aws.String("infra")}},
			TransitiveTagKeys: []string{"Project"},
			Policy:            aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`),
		}
	}

	_, err := c.AssumeRole(ctx, in("wrong"))
	wantAPIError(t, err, "AccessDenied", 403)
	_, err = c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(partnerRole), RoleSessionName: aws.String("no-ext")})
	wantAPIError(t, err, "AccessDenied", 403)

	out, err := c.AssumeRole(ctx, in(externalID))
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize == nil || *out.PackedPolicySize < 1 || *out.PackedPolicySize > 100 {
		t.Errorf("PackedPolicySize %v", out.PackedPolicySize)
	}
	if aws.ToString(out.SourceIdentity) != "alice" {
		t.Errorf("SourceIdentity %q", aws.ToString(out.SourceIdentity))
	}

	call := lastCall(t, srv)
	want := map[string]string{
		"Action":                     "AssumeRole",
		"Version":                    "2011-06-15",
		"RoleArn":                    partnerRole,
		"RoleSessionName":            "partner-session",
		"ExternalId":                 externalID,
		"SourceIdentity":             "alice",
		"Tags.member.1.Key":          "Project",
		"Tags.member.1.Value":        "vault",
		"Tags.member.2.Key":          "Team",
		"Tags.member.2.Value":        "infra",
		"TransitiveTagKeys.member.1": "Project",
	}
	for k, v := range want {
		if got := call.Params.Get(k); got != v {
			t.Errorf("Params[%s] = %q, want %q", k, got, v)
		}
	}
	if call.Service != "sts" || call.Region != "us-east-1" || call.AccessKeyID != aliceKey || call.Principal != aliceARN || call.Err != "" {
		t.Errorf("call %+v", call)
	}
	if call.Time != t0 {
		t.Errorf("call time %v", call.Time)
	}

	// The source identity is kept across chained sessions.
	chained, err := stsClient(srv, fromSTS(out.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("next")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(chained.SourceIdentity) != "alice" {
		t.Errorf("chained SourceIdentity %q", aws.ToString(chained.SourceIdentity))
	}

	// A transitive key must be one of the tags.
	bad := in(externalID)
	bad.TransitiveTagKeys = []string{"Other"}
	_, err = c.AssumeRole(ctx, bad)
	wantAPIError(t, err, "InvalidParameterValue", 400)

	// Invalid policy documents get the modelled error.
	bad = in(externalID)
	bad.Policy = aws.String("{not json")
	_, err = c.AssumeRole(ctx, bad)
	var mpd *types.MalformedPolicyDocumentException
	if !errors.As(err, &mpd) {
		t.Errorf("got %v, want MalformedPolicyDocumentException", err)
	}

	// Calls never hold secrets, and Calls returns a copy.
	calls := srv.Calls()
	calls[len(calls)-1].Params.Set("Action", "changed")
	if lastCall(t, srv).Action == "changed" || lastCall(t, srv).Params.Get("Action") == "changed" {
		t.Error("Calls does not return a copy")
	}
	assertNoSecrets(t, srv, aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
}

// assertNoSecrets fails if any recorded call mentions one of the secrets.
func assertNoSecrets(t *testing.T, srv *Server, secrets ...string) {
	t.Helper()
	b, err := json.Marshal(srv.Calls())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(secrets, aliceSecret, bobSecret, testJWT) {
		if s != "" && strings.Contains(string(b), s) {
			t.Errorf("calls contain the secret %q", s)
		}
	}
}

func TestSignatureVerification(t *testing.T) {
	srv := newTestServer(t)

	t.Run("wrong secret", func(t *testing.T) {
		_, err := stsClient(srv, static(aliceKey, bobSecret, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "SignatureDoesNotMatch", 403)
		if call := lastCall(t, srv); call.Err != "SignatureDoesNotMatch" || call.AccessKeyID != aliceKey || call.Principal != "" {
			t.Errorf("call %+v", call)
		}
	})

	t.Run("unknown key", func(t *testing.T) {
		_, err := stsClient(srv, static("AKIAUNKNOWN000000000", aliceSecret, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "InvalidClientTokenId", 403)
	})

	t.Run("missing authentication", func(t *testing.T) {
		_, err := stsClient(srv, aws.AnonymousCredentials{}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "MissingAuthenticationToken", 403)
	})

	t.Run("temporary key without or with a wrong token", func(t *testing.T) {
		a, err := alice(srv).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := alice(srv).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		ca := a.Credentials
		_, err = stsClient(srv, static(aws.ToString(ca.AccessKeyId), aws.ToString(ca.SecretAccessKey), "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "InvalidClientTokenId", 403)
		_, err = stsClient(srv, static(aws.ToString(ca.AccessKeyId), aws.ToString(ca.SecretAccessKey), aws.ToString(b.Credentials.SessionToken))).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "InvalidClientTokenId", 403)
		_, err = stsClient(srv, static(aws.ToString(ca.AccessKeyId), aws.ToString(b.Credentials.SecretAccessKey), aws.ToString(ca.SessionToken))).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "SignatureDoesNotMatch", 403)
		// A long-term key must not come with a session token.
		_, err = stsClient(srv, static(aliceKey, aliceSecret, aws.ToString(ca.SessionToken))).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "InvalidClientTokenId", 403)
	})

	t.Run("wrong signing service", func(t *testing.T) {
		status, _, body := rawRequest(t, srv, "POST", "", "Action=GetCallerIdentity&Version=2011-06-15", "s3",
			aws.Credentials{AccessKeyID: aliceKey, SecretAccessKey: aliceSecret})
		if status != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
			t.Errorf("status %d body %s", status, body)
		}
	})

	t.Run("tampered body", func(t *testing.T) {
		signed := "Action=GetCallerIdentity&Version=2011-06-15"
		req, err := http.NewRequest("POST", srv.URL()+"/", strings.NewReader(signed))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		sum := sha256.Sum256([]byte(signed))
		creds := aws.Credentials{AccessKeyID: aliceKey, SecretAccessKey: aliceSecret}
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		sent := "Action=GetSessionToken&Version=2011-06-15"
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(sent)), int64(len(sent))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 403 || !strings.Contains(string(body), "<Code>SignatureDoesNotMatch</Code>") {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
}

func TestExpiredCredentials(t *testing.T) {
	srv := newTestServer(t)
	out, err := alice(srv).GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	temp := stsClient(srv, fromSTS(out.Credentials))
	srv.SetNow(func() time.Time { return t0.Add(899 * time.Second) })
	if got := callerARN(t, temp); got != aliceARN {
		t.Errorf("caller %q", got)
	}
	srv.SetNow(func() time.Time { return t0.Add(900 * time.Second) })
	_, err = temp.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ae := wantAPIError(t, err, "ExpiredToken", 403)
	if ae.ErrorMessage() != "The security token included in the request is expired" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// Long-term keys do not expire.
	if got := callerARN(t, alice(srv)); got != aliceARN {
		t.Errorf("caller %q", got)
	}
}

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	srv := newTestServer(t)
	anon := stsClient(srv, aws.AnonymousCredentials{})

	out, err := anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(webRole), RoleSessionName: aws.String("ci-run-1"), WebIdentityToken: aws.String(testJWT), DurationSeconds: aws.Int32(900),
	})
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:sts::222222222222:assumed-role/webid/ci-run-1"
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
		t.Errorf("ARN %q, want %q", got, wantARN)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != "repo:example/app" || aws.ToString(out.Audience) != "sts.amazonaws.com" ||
		aws.ToString(out.Provider) != "https://token.example.com" {
		t.Errorf("claims: subject %q audience %q provider %q", aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Audience), aws.ToString(out.Provider))
	}
	if !out.Credentials.Expiration.Equal(t0.Add(900 * time.Second)) {
		t.Errorf("expiration %v", out.Credentials.Expiration)
	}
	call := lastCall(t, srv)
	if call.Action != "AssumeRoleWithWebIdentity" || call.AccessKeyID != "" || call.Region != "" || call.Principal != wantARN ||
		call.Params.Get("WebIdentityToken") != "REDACTED" {
		t.Errorf("call %+v", call)
	}
	if got := callerARN(t, stsClient(srv, fromSTS(out.Credentials))); got != wantARN {
		t.Errorf("caller %q", got)
	}

	_, err = anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(webRole), RoleSessionName: aws.String("ci-run-2"), WebIdentityToken: aws.String("not-the-token"),
	})
	wantAPIError(t, err, "InvalidIdentityToken", 400)
	var iit *types.InvalidIdentityTokenException
	if !errors.As(err, &iit) {
		t.Errorf("got %T, want *types.InvalidIdentityTokenException", err)
	}

	_, err = anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(readerRole), RoleSessionName: aws.String("ci-run-3"), WebIdentityToken: aws.String(testJWT),
	})
	wantAPIError(t, err, "AccessDenied", 403)
	assertNoSecrets(t, srv)
}

func TestGetFederationToken(t *testing.T) {
	srv := newTestServer(t)
	out, err := alice(srv).GetFederationToken(ctx, &sts.GetFederationTokenInput{
		Name: aws.String("console-alice"), DurationSeconds: aws.Int32(1800),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:sts::111111111111:federated-user/console-alice"
	if aws.ToString(out.FederatedUser.Arn) != wantARN || aws.ToString(out.FederatedUser.FederatedUserId) != "111111111111:console-alice" {
		t.Errorf("federated user %+v", out.FederatedUser)
	}
	if out.PackedPolicySize == nil || !out.Credentials.Expiration.Equal(t0.Add(30*time.Minute)) {
		t.Errorf("PackedPolicySize %v expiration %v", out.PackedPolicySize, out.Credentials.Expiration)
	}
	fed := stsClient(srv, fromSTS(out.Credentials))
	if got := callerARN(t, fed); got != wantARN {
		t.Errorf("caller %q", got)
	}
	_, err = fed.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("again")})
	wantAPIError(t, err, "AccessDenied", 403)
	_, err = fed.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("s1")})
	wantAPIError(t, err, "AccessDenied", 403)
	_, err = alice(srv).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("x")})
	wantAPIError(t, err, "ValidationError", 400)
}

func TestGetCallerIdentityPerCredentialKind(t *testing.T) {
	srv := newTestServer(t)
	c := alice(srv)
	sess, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)})
	if err != nil {
		t.Fatal(err)
	}
	role, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("who")})
	if err != nil {
		t.Fatal(err)
	}
	fed, err := c.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("fed")})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		creds   aws.CredentialsProvider
		arn     string
		account string
		userID  string // prefix
	}{
		{"long-term user", static(aliceKey, aliceSecret, ""), aliceARN, aliceAccount, "AIDA"},
		{"session token", fromSTS(sess.Credentials), aliceARN, aliceAccount, "AIDA"},
		{"role", fromSTS(role.Credentials), "arn:aws:sts::222222222222:assumed-role/reader/who", "222222222222", "AROA"},
		{"federated", fromSTS(fed.Credentials), "arn:aws:sts::111111111111:federated-user/fed", aliceAccount, "111111111111:fed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := stsClient(srv, tt.creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.Arn) != tt.arn || aws.ToString(out.Account) != tt.account || !strings.HasPrefix(aws.ToString(out.UserId), tt.userID) {
				t.Errorf("got %s %s %s, want %s %s %s...", aws.ToString(out.Arn), aws.ToString(out.Account), aws.ToString(out.UserId), tt.arn, tt.account, tt.userID)
			}
			if call := lastCall(t, srv); call.Principal != tt.arn {
				t.Errorf("principal %q", call.Principal)
			}
		})
	}
}

func TestConcurrentRequests(t *testing.T) {
	srv := newTestServer(t)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := alice(srv)
			sess, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)})
			if err != nil {
				errs <- err
				return
			}
			name := fmt.Sprintf("worker-%d", i)
			role, err := stsClient(srv, fromSTS(sess.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(adminRole), RoleSessionName: aws.String(name)})
			if err != nil {
				errs <- err
				return
			}
			out, err := stsClient(srv, fromSTS(role.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				errs <- err
				return
			}
			if want := "arn:aws:sts::222222222222:assumed-role/admin/" + name; aws.ToString(out.Arn) != want {
				errs <- fmt.Errorf("caller %q, want %q", aws.ToString(out.Arn), want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, action := range []string{"GetSessionToken", "AssumeRole", "GetCallerIdentity"} {
		if got := srv.CountCalls(action); got != n {
			t.Errorf("CountCalls(%s) = %d, want %d", action, got, n)
		}
	}
	if len(srv.Calls()) != 3*n {
		t.Errorf("%d calls", len(srv.Calls()))
	}
	srv.ResetCalls()
	if len(srv.Calls()) != 0 || srv.CountCalls("AssumeRole") != 0 {
		t.Error("ResetCalls did not reset")
	}
}

func TestFailNext(t *testing.T) {
	srv := newTestServer(t)
	c := alice(srv)

	// The SDK types only the errors an operation declares:
	// GetSessionToken declares RegionDisabledException, AssumeRole
	// ExpiredTokenException.
	srv.FailNext("GetSessionToken", "RegionDisabledException", 403)
	srv.FailNext("AssumeRole", "ExpiredTokenException", 400)
	_, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	var rd *types.RegionDisabledException
	if !errors.As(err, &rd) {
		t.Fatalf("got %v (%T), want *types.RegionDisabledException", err, err)
	}
	wantAPIError(t, err, "RegionDisabledException", 403)
	_, err = c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("s")})
	var et *types.ExpiredTokenException
	if !errors.As(err, &et) {
		t.Fatalf("got %v (%T), want *types.ExpiredTokenException", err, err)
	}
	if got := callerARN(t, c); got != aliceARN {
		t.Errorf("caller %q", got)
	}
	calls := srv.Calls()
	if len(calls) != 3 || calls[0].Err != "RegionDisabledException" || calls[1].Err != "ExpiredTokenException" || calls[2].Err != "" {
		t.Errorf("calls %+v", calls)
	}
	if calls[0].Principal != aliceARN {
		t.Errorf("principal of a failed call %q", calls[0].Principal)
	}

	// Injected failures only hit their own action.
	srv.FailNext("AssumeRole", "Throttling", 400)
	if _, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestQueryProtocol(t *testing.T) {
	srv := newTestServer(t)
	creds := aws.Credentials{AccessKeyID: aliceKey, SecretAccessKey: aliceSecret}

	t.Run("response format", func(t *testing.T) {
		status, h, body := rawRequest(t, srv, "POST", "", "Action=GetCallerIdentity&Version=2011-06-15", "sts", creds)
		if status != 200 || h.Get("Content-Type") != "text/xml" || h.Get("X-Amzn-Requestid") == "" {
			t.Fatalf("status %d headers %v", status, h)
		}
		want := `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>` + aliceARN +
			`</Arn><UserId>AIDA`
		if !strings.HasPrefix(body, want) || !strings.HasSuffix(body, `<ResponseMetadata><RequestId>`+h.Get("X-Amzn-Requestid")+`</RequestId></ResponseMetadata></GetCallerIdentityResponse>`) {
			t.Errorf("body %s", body)
		}
		if c := lastCall(t, srv); c.Region != "eu-west-1" {
			t.Errorf("region %q", c.Region)
		}
	})

	t.Run("GET query", func(t *testing.T) {
		status, _, body := rawRequest(t, srv, "GET", "Version=2011-06-15&Action=GetCallerIdentity", "", "sts", creds)
		if status != 200 || !strings.Contains(body, "<Arn>"+aliceARN+"</Arn>") {
			t.Errorf("status %d body %s", status, body)
		}
	})

	t.Run("error format", func(t *testing.T) {
		status, h, body := rawRequest(t, srv, "POST", "", "Action=GetCallerIdentity&Version=2011-06-15", "", aws.Credentials{})
		want := `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error><RequestId>` +
			h.Get("X-Amzn-Requestid") + `</RequestId></ErrorResponse>`
		if status != 403 || body != want || h.Get("Content-Type") != "text/xml" {
			t.Errorf("status %d body %s", status, body)
		}
	})

	t.Run("unknown action", func(t *testing.T) {
		status, _, body := rawRequest(t, srv, "POST", "", url.Values{"Action": {"Bogus"}, "Version": {"2011-06-15"}}.Encode(), "sts", creds)
		if status != 400 || !strings.Contains(body, "<Code>InvalidAction</Code>") {
			t.Errorf("status %d body %s", status, body)
		}
		if c := lastCall(t, srv); c.Action != "Bogus" || c.Err != "InvalidAction" {
			t.Errorf("call %+v", c)
		}
	})

	t.Run("wrong version", func(t *testing.T) {
		status, _, body := rawRequest(t, srv, "POST", "", "Action=GetCallerIdentity&Version=2010-05-08", "sts", creds)
		if status != 400 || !strings.Contains(body, "<Code>InvalidAction</Code>") {
			t.Errorf("status %d body %s", status, body)
		}
	})

	t.Run("IAM is routed by signing service", func(t *testing.T) {
		c := iam.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: static(aliceKey, aliceSecret, ""), BaseEndpoint: aws.String(srv.URL())})
		_, err := c.ListUsers(ctx, &iam.ListUsersInput{})
		wantAPIError(t, err, "InvalidAction", 400)
		if call := lastCall(t, srv); call.Service != "iam" || call.Action != "ListUsers" {
			t.Errorf("call %+v", call)
		}
	})
}
