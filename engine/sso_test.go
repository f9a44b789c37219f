package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/awsfake"
	"github.com/aws-vault/aws-vault/engine/keyring"
)

const ssoStartURL = "https://d-1234567890.awsapps.com/start"

const ssoConfig = `
[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile sso-dev]
sso_session = corp
sso_account_id = 444444444444
sso_role_name = Developer
region = eu-west-1

[profile sso-ops]
sso_session = corp
sso_account_id = 444444444444
sso_role_name = Operator

[profile sso-legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 555555555555
sso_role_name = ReadOnly

[profile sso-chained]
source_profile = sso-dev
role_arn = arn:aws:iam::222222222222:role/ReadOnly

[profile sso-with-role]
sso_session = corp
sso_account_id = 444444444444
sso_role_name = Developer
role_arn = arn:aws:iam::222222222222:role/ReadOnly

[profile sso-denied]
sso_session = corp
sso_account_id = 444444444444
sso_role_name = Admin

[profile sso-incomplete]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_role_name = Developer
`

// approvingBrowser is a $BROWSER whose user is signed in to the portal
// and allows the request: it approves the device code of a verification
// URL through the fake's test hook, or follows /authorize to the redirect
// to aws-vault's loopback listener.
const approvingBrowser = `#!/usr/bin/env bash
url=$1
case $url in
*user_code=*) exec curl -fsS -o /dev/null "${url%%/device*}/_test/approve?user_code=${url##*user_code=}" ;;
*) exec curl -fsS -L -o /dev/null "$url" ;;
esac
`

func newSSOWorld(t *testing.T) *world {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the test browser is a bash script")
	}
	w := newWorld(t, ssoConfig)
	for _, a := range []awsfake.SSOAssignment{{AccountID: "444444444444", RoleName: "Developer"}, {AccountID: "444444444444", RoleName: "Operator"}, {AccountID: "555555555555", RoleName: "ReadOnly"}} {
		w.fake.AddSSOAssignment(a)
	}
	browser := filepath.Join(t.TempDir(), "browser")
	if err := os.WriteFile(browser, []byte(approvingBrowser), 0o700); err != nil {
		t.Fatal(err)
	}
	w.env["BROWSER"] = browser
	w.env["AWS_ENDPOINT_URL_SSO"] = w.fake.URL()
	w.env["AWS_ENDPOINT_URL_SSO_OIDC"] = w.fake.URL()
	return w
}

func (w *world) ssoCreds(t *testing.T, profile string, mod func(*engine.Options)) (*engine.Result, string) {
	t.Helper()
	var stderr bytes.Buffer
	r, err := w.engine(t, func(o *engine.Options) {
		o.Stderr = &stderr
		if mod != nil {
			mod(o)
		}
	}).Credentials(context.Background(), profile)
	if err != nil {
		t.Fatalf("%s: %v (stderr: %s)", profile, err, stderr.String())
	}
	return r, stderr.String()
}

func callerOf(t *testing.T, w *world, c aws.Credentials) string {
	t.Helper()
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(w.fake.URL()),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })})
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	return aws.ToString(out.Arn)
}

func TestSSOFirstLoginThenReuse(t *testing.T) {
	w := newSSOWorld(t)
	r, stderr := w.ssoCreds(t, "sso-dev", nil)
	if n := w.fake.CountCalls("Authorize"); n != 1 {
		t.Fatalf("sign-ins = %d", n)
	}
	clients := w.fake.SSOClients()
	if len(clients) != 1 || clients[0].Name != "aws-vault" || clients[0].Type != "public" || strings.Join(clients[0].Scopes, ",") != "sso:account:access" ||
		clients[0].IssuerURL != ssoStartURL || strings.Join(clients[0].GrantTypes, ",") != "authorization_code,refresh_token" {
		t.Errorf("registered clients %+v", clients)
	}
	// The user was told where to go.
	if !strings.Contains(stderr, w.fake.URL()+"/authorize?") || !strings.Contains(stderr, ssoStartURL) {
		t.Errorf("stderr %q", stderr)
	}
	if arn := callerOf(t, w, r.Credentials); !strings.HasPrefix(arn, "arn:aws:sts::444444444444:assumed-role/AWSReservedSSO_Developer_") {
		t.Errorf("caller %s", arn)
	}
	if r.Region != "eu-west-1" || !r.Credentials.CanExpire {
		t.Errorf("result %+v", r)
	}

	// The token is in the keyring in the original's shape.
	item, err := w.ring.Get("oidc:" + ssoStartURL)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Token      map[string]json.RawMessage
		Expiration time.Time
	}
	if err := json.Unmarshal(item.Data, &doc); err != nil {
		t.Fatalf("%v: %s", err, item.Data)
	}
	for _, k := range []string{"AccessToken", "ExpiresIn", "IdToken", "RefreshToken", "TokenType", "ResultMetadata"} {
		if _, ok := doc.Token[k]; !ok {
			t.Errorf("Token.%s missing in %s", k, item.Data)
		}
	}
	var access string
	_ = json.Unmarshal(doc.Token["AccessToken"], &access)
	if toks := w.fake.SSOTokens(); len(toks) != 1 || toks[0].AccessToken != access {
		t.Errorf("cached token is not the issued one")
	}
	if want := w.now.Add(8 * time.Hour); doc.Expiration.Sub(want).Abs() > 2*time.Second {
		t.Errorf("expiration %v, want %v", doc.Expiration, want)
	}
	// The role credentials are a session keyed as the original keys them.
	sessions, _ := w.ring.Sessions()
	if len(sessions) != 1 || sessions[0].Type != "sso.GetRoleCredentials" || sessions[0].ProfileName != "sso-dev" || sessions[0].MfaSerial != ssoStartURL {
		t.Errorf("sessions %+v", sessions)
	}
	// The token is not a credential.
	if names, _ := w.ring.CredentialNames(); strings.Join(names, ",") != "jonsmith" {
		t.Errorf("credential names %v", names)
	}

	// Again: the cached role credentials, no call at all.
	w.fake.ResetCalls()
	r2, stderr := w.ssoCreds(t, "sso-dev", nil)
	if n := len(w.fake.Calls()); n != 0 || r2.Credentials.AccessKeyID != r.Credentials.AccessKeyID || stderr != "" {
		t.Errorf("second run: %d calls, stderr %q", n, stderr)
	}
	// Other profiles of the same start URL (through the session or the
	// legacy keys) reuse the token: GetRoleCredentials only.
	for _, p := range []string{"sso-ops", "sso-legacy"} {
		w.fake.ResetCalls()
		r, _ := w.ssoCreds(t, p, nil)
		var actions []string
		for _, c := range w.fake.Calls() {
			actions = append(actions, c.Action)
		}
		if strings.Join(actions, ",") != "GetRoleCredentials" {
			t.Errorf("%s: calls %v", p, actions)
		}
		if arn := callerOf(t, w, r.Credentials); !strings.Contains(arn, "AWSReservedSSO_") {
			t.Errorf("%s: caller %s", p, arn)
		}
	}

	// clear removes the role sessions, not the token (as the original).
	if n, err := w.ring.RemoveSessions(""); err != nil || n != 3 {
		t.Errorf("cleared %d sessions: %v", n, err)
	}
	if _, err := w.ring.GetOIDCToken(ssoStartURL); err != nil {
		t.Errorf("clear removed the token: %v", err)
	}
}

func TestSSOExpiredOrRefusedTokenSignsInAgain(t *testing.T) {
	w := newSSOWorld(t)
	w.ssoCreds(t, "sso-dev", nil)

	// Nine hours on, the 8h token and the 1h role session have expired:
	// the token is refreshed, without a sign-in.
	w.now = w.now.Add(9 * time.Hour)
	w.fake.SetNow(func() time.Time { return w.now })
	w.ssoCreds(t, "sso-dev", nil)
	if n := w.fake.CountCalls("Authorize"); n != 1 {
		t.Errorf("sign-ins after expiry = %d, want 1", n)
	}
	tok, err := w.ring.GetOIDCToken(ssoStartURL)
	if err != nil || !tok.Expiration.After(w.now) || tok.RefreshToken == "" || tok.ClientID == "" {
		t.Errorf("new token %v, %v", tok.Expiration, err)
	}

	// A token the portal refuses before its time (revoked) is replaced by
	// a refresh.
	w.fake.RevokeSSOTokens()
	w.fake.ResetCalls()
	if _, err := w.ring.RemoveSessions(""); err != nil {
		t.Fatal(err)
	}
	w.ssoCreds(t, "sso-dev", nil)
	var grants []string
	for _, c := range w.fake.Calls() {
		grants = append(grants, c.Action+":"+c.Params.Get("grantType")+":"+c.Err)
	}
	if want := "GetRoleCredentials::UnauthorizedException,CreateToken:refresh_token:,GetRoleCredentials::"; strings.Join(grants, ",") != want {
		t.Errorf("calls %v\nwant %s", grants, want)
	}
	tok, _ = w.ring.GetOIDCToken(ssoStartURL)

	// Refused and its refresh token revoked too: the sign-in runs again, once.
	w.fake.RevokeSSOTokens()
	w.fake.RevokeSSORefreshTokens()
	w.fake.ResetCalls()
	if _, err := w.ring.RemoveSessions(""); err != nil {
		t.Fatal(err)
	}
	w.ssoCreds(t, "sso-ops", nil)
	var actions []string
	for _, c := range w.fake.Calls() {
		actions = append(actions, c.Action+":"+c.Err)
	}
	want := "GetRoleCredentials:UnauthorizedException,CreateToken:InvalidGrantException,RegisterClient:,Authorize:,CreateToken:,GetRoleCredentials:"
	if strings.Join(actions, ",") != want {
		t.Errorf("calls %v\nwant %s", actions, want)
	}
	tok2, err := w.ring.GetOIDCToken(ssoStartURL)
	if err != nil || tok2.AccessToken == tok.AccessToken {
		t.Errorf("the refused token is still cached (%v)", err)
	}
}

func TestSSOAsSourceOfRole(t *testing.T) {
	w := newSSOWorld(t)
	r, stderr := w.ssoCreds(t, "sso-chained", func(o *engine.Options) { o.Duration = 2 * time.Hour })
	var ar *awsfake.Call
	calls := w.fake.Calls()
	for i := range calls {
		if calls[i].Action == "AssumeRole" {
			ar = &calls[i]
		}
	}
	if ar == nil || !strings.Contains(ar.Principal, "assumed-role/AWSReservedSSO_Developer_") || ar.Params.Get("DurationSeconds") != "3600" {
		t.Fatalf("AssumeRole %+v", ar)
	}
	// SSO credentials are a role session: the role is chained, so 1h.
	if !strings.Contains(stderr, "role chaining is limited") {
		t.Errorf("stderr %q", stderr)
	}
	if arn := callerOf(t, w, r.Credentials); !strings.HasPrefix(arn, "arn:aws:sts::222222222222:assumed-role/ReadOnly/") {
		t.Errorf("caller %s", arn)
	}
	sessions, _ := w.ring.Sessions()
	types := map[string]string{}
	for _, s := range sessions {
		types[s.Type] = s.ProfileName
	}
	if types["sso.GetRoleCredentials"] != "sso-dev" || types["sts.AssumeRole"] != "sso-chained" {
		t.Errorf("sessions %+v", sessions)
	}

	// role_arn next to the sso_* keys: the role is assumed with the
	// profile's own SSO credentials, and the token is reused.
	w.fake.ResetCalls()
	r, _ = w.ssoCreds(t, "sso-with-role", nil)
	var actions []string
	for _, c := range w.fake.Calls() {
		actions = append(actions, c.Action)
	}
	if strings.Join(actions, ",") != "GetRoleCredentials,AssumeRole" {
		t.Errorf("calls %v", actions)
	}
	if arn := callerOf(t, w, r.Credentials); !strings.HasPrefix(arn, "arn:aws:sts::222222222222:assumed-role/ReadOnly/") {
		t.Errorf("caller %s", arn)
	}
}

func TestSSOErrors(t *testing.T) {
	w := newSSOWorld(t)
	_, err := w.engine(t, nil).Credentials(context.Background(), "sso-incomplete")
	if err == nil || !strings.Contains(err.Error(), `profile "sso-incomplete"`) || !strings.Contains(err.Error(), "needs sso_account_id, sso_region") {
		t.Errorf("incomplete profile: %v", err)
	}
	if n := len(w.fake.Calls()); n != 0 {
		t.Errorf("%d calls for an incomplete profile", n)
	}
	_, err = w.engine(t, nil).Credentials(context.Background(), "sso-denied")
	if err == nil || !strings.Contains(err.Error(), "role Admin in account 444444444444") || !strings.Contains(err.Error(), "No access") {
		t.Errorf("unassigned role: %v", err)
	}
	if sessions, _ := w.ring.Sessions(); len(sessions) != 0 {
		t.Errorf("a failure was cached: %v", sessions)
	}
	// A device code nobody approves: a clear timeout.
	w.fake.SetSSODeviceFlow(time.Second, 2*time.Second)
	w.env["BROWSER"] = "true"
	if err := w.ring.RemoveOIDCToken(ssoStartURL); err != nil {
		t.Fatal(err)
	}
	_, err = w.engine(t, func(o *engine.Options) { o.UseDeviceCode = true }).Credentials(context.Background(), "sso-dev")
	if err == nil || !strings.Contains(err.Error(), "was not approved within 2s") {
		t.Errorf("not approved: %v", err)
	}
	if _, err := w.ring.GetOIDCToken(ssoStartURL); err != keyring.ErrNotFound {
		t.Errorf("token after a failed sign-in: %v", err)
	}
}

func TestSSOAssignmentsPaginatedAndThrottled(t *testing.T) {
	w := newSSOWorld(t)
	w.fake.RemoveSSOAssignment("444444444444", "Developer")
	w.fake.RemoveSSOAssignment("444444444444", "Operator")
	w.fake.RemoveSSOAssignment("555555555555", "ReadOnly")
	for i := range 30 {
		for _, r := range []string{"Admin", "Developer", "ReadOnly"} {
			w.fake.AddSSOAssignment(awsfake.SSOAssignment{AccountID: fmt.Sprintf("1000000000%02d", i), AccountName: fmt.Sprintf("team-%d", i), RoleName: r})
		}
	}
	// An account with hundreds of roles: 31 pages of 10.
	for r := range 301 {
		w.fake.AddSSOAssignment(awsfake.SSOAssignment{AccountID: "999999999999", AccountName: "big", RoleName: fmt.Sprintf("Role%03d", r)})
	}
	w.fake.SetSSORateLimit(20)
	var progress []int
	info, got, err := w.engine(t, nil).SSOAssignments(context.Background(), "corp", func(done, total int) {
		if total != 31 {
			t.Errorf("total %d", total)
		}
		progress = append(progress, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if info.StartURL != ssoStartURL || info.Region != "eu-west-1" {
		t.Errorf("session %+v", info)
	}
	if len(got) != 90+301 || got[0] != (engine.SSOAssignment{AccountID: "100000000000", AccountName: "team-0", RoleName: "Admin"}) ||
		got[len(got)-1] != (engine.SSOAssignment{AccountID: "999999999999", AccountName: "big", RoleName: "Role300"}) {
		t.Errorf("%d assignments, first %+v last %+v", len(got), got[0], got[len(got)-1])
	}
	if len(progress) != 31 || progress[30] != 31 {
		t.Errorf("progress %v", progress)
	}
	throttled := 0
	for _, c := range w.fake.Calls() {
		if c.Err == "TooManyRequestsException" {
			throttled++
		}
	}
	t.Logf("%d calls throttled and retried", throttled)
	if throttled == 0 {
		t.Errorf("no call was throttled: the test does not test throttling")
	}

	// A session that is not there, or cannot sign in, says so.
	_, _, err = w.engine(t, nil).SSOAssignments(context.Background(), "nope", nil)
	if err == nil || !strings.Contains(err.Error(), "has no [sso-session nope] section; it has: corp") {
		t.Errorf("unknown session: %v", err)
	}
}
