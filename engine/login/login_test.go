package login

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestPartitionOf(t *testing.T) {
	for region, want := range map[string]string{
		"":               "https://signin.aws.amazon.com/federation",
		"eu-west-1":      "https://signin.aws.amazon.com/federation",
		"us-gov-west-1":  "https://signin.amazonaws-us-gov.com/federation",
		"us-gov-east-1":  "https://signin.amazonaws-us-gov.com/federation",
		"cn-north-1":     "https://signin.amazonaws.cn/federation",
		"cn-northwest-1": "https://signin.amazonaws.cn/federation",
	} {
		if got := PartitionOf(region).FederationURL(); got != want {
			t.Errorf("%q: %s, want %s", region, got, want)
		}
	}
}

func TestDestination(t *testing.T) {
	for _, tc := range []struct{ region, path, want string }{
		{"", "", "https://console.aws.amazon.com/"},
		{"", "s3/home", "https://console.aws.amazon.com/s3/home"},
		{"", "/s3/home", "https://console.aws.amazon.com/s3/home"},
		{"eu-west-1", "", "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"},
		{"eu-west-1", "ec2/home", "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"},
		{"eu-west-1", "s3/buckets/b?tab=objects", "https://eu-west-1.console.aws.amazon.com/s3/buckets/b?tab=objects&region=eu-west-1"},
		{"us-gov-west-1", "", "https://us-gov-west-1.console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{"cn-north-1", "", "https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1"},
	} {
		if got := Destination(tc.region, tc.path); got != tc.want {
			t.Errorf("Destination(%q, %q) = %s, want %s", tc.region, tc.path, got, tc.want)
		}
	}
}

func TestURLs(t *testing.T) {
	dest := "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
	u := URL("https://signin.aws.amazon.com/federation", dest, "tok+/=en")
	want := "https://signin.aws.amazon.com/federation?Action=login&Issuer=aws-vault&Destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1&SigninToken=tok%2B%2F%3Den"
	if u != want {
		t.Errorf("URL:\n%s\nwant\n%s", u, want)
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Query().Get("Destination") != dest || parsed.Query().Get("SigninToken") != "tok+/=en" {
		t.Errorf("round trip: %v %v", parsed, err)
	}

	out, err := LogoutURL("https://signin.amazonaws.cn/federation", u)
	if err != nil {
		t.Fatal(err)
	}
	lo, _ := url.Parse(out)
	if lo.Host != "signin.amazonaws.cn" || lo.Path != "/oauth" || lo.Query().Get("Action") != "logout" || lo.Query().Get("redirect_uri") != u {
		t.Errorf("logout URL %s", out)
	}
}

func TestCheckEndpoint(t *testing.T) {
	for _, ok := range []string{"https://signin.aws.amazon.com/federation", "http://127.0.0.1:9/federation"} {
		if err := CheckEndpoint(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"signin.aws.amazon.com/federation", "ftp://x/federation", "https:///federation", "https://x/federation?a=b", "::"} {
		if err := CheckEndpoint(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

var creds = aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s3cr3t-key", SessionToken: "s3ss10n-t0ken"}

func TestSigninToken(t *testing.T) {
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		fmt.Fprint(w, `{"SigninToken":"the-token"}`)
	}))
	defer srv.Close()

	tok, err := SigninToken(context.Background(), nil, srv.URL+"/federation", creds, 2*time.Hour)
	if err != nil || tok != "the-token" {
		t.Fatalf("%q %v", tok, err)
	}
	if got.Get("Action") != "getSigninToken" || got.Get("SessionDuration") != "7200" ||
		got.Get("Session") != `{"sessionId":"ASIAEXAMPLE","sessionKey":"s3cr3t-key","sessionToken":"s3ss10n-t0ken"}` {
		t.Errorf("query %v", got)
	}
	if _, err := SigninToken(context.Background(), nil, srv.URL+"/federation", creds, 0); err != nil || got.Has("SessionDuration") {
		t.Errorf("no duration: %v %v", err, got)
	}
	if _, err := SigninToken(context.Background(), nil, srv.URL, aws.Credentials{AccessKeyID: "AKIA", SecretAccessKey: "x"}, 0); err == nil ||
		!strings.Contains(err.Error(), "temporary credentials") {
		t.Errorf("long-term key: %v", err)
	}
}

// TestSigninTokenErrorsHoldNoSecrets: whatever goes wrong, the error says
// so without the credentials (which are in the request URL).
func TestSigninTokenErrorsHoldNoSecrets(t *testing.T) {
	echo := func(status int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			fmt.Fprint(w, strings.ReplaceAll(body, "QUERY", r.URL.RawQuery))
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/federation"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/federation"
	ln.Close()
	redirect := httptest.NewServer(http.RedirectHandler("http://example.invalid/steal", http.StatusFound))
	defer redirect.Close()

	for _, tc := range []struct {
		name, endpoint, want string
	}{
		{"refused", echo(400, "InvalidSession: bad credentials"), "the federation endpoint answered HTTP 400 (InvalidSession: bad credentials)"},
		{"echoing body", echo(403, "you sent QUERY"), "the federation endpoint answered HTTP 403"},
		{"HTML body", echo(500, "<html>oops</html>"), "the federation endpoint answered HTTP 500"},
		{"no token", echo(200, `{"nope":1}`), "answered without a SigninToken"},
		{"connection refused", closed, "requesting a sign-in token from 127.0.0.1"},
		{"redirect not followed", redirect.URL + "/federation", "the federation endpoint answered HTTP 302"},
		{"bad URL", "http://[::1", "not a valid URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SigninToken(context.Background(), nil, tc.endpoint, creds, 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			for _, s := range []string{creds.SecretAccessKey, creds.SessionToken, url.QueryEscape(creds.SessionToken)} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("secret in %q", err)
				}
			}
		})
	}
}

func TestOpener(t *testing.T) {
	none := func(string) string { return "" }
	for goos, want := range map[string]string{
		"linux":   "xdg-open",
		"freebsd": "xdg-open",
		"darwin":  "open",
		"windows": "rundll32 url.dll,FileProtocolHandler",
	} {
		if got := strings.Join(Opener(goos, none), " "); got != want {
			t.Errorf("%s: %s, want %s", goos, got, want)
		}
	}
	browser := func(k string) string {
		if k == "BROWSER" {
			return "/usr/bin/my browser"
		}
		return ""
	}
	if got := Opener("darwin", browser); len(got) != 1 || got[0] != "/usr/bin/my browser" {
		t.Errorf("$BROWSER: %q", got)
	}
}

func TestCheckEndpointRefusesCleartextToOtherHosts(t *testing.T) {
	for ep, ok := range map[string]bool{
		"https://signin.aws.amazon.com/federation": true,
		"http://127.0.0.1:8080/federation":         true,
		"http://[::1]:8080/federation":             true,
		"http://localhost:1/federation":            true,
		"http://signin.example.com/federation":     false,
		"http://10.0.0.1/federation":               false,
		"ftp://x/federation":                       false,
	} {
		if err := CheckEndpoint(ep); (err == nil) != ok {
			t.Errorf("CheckEndpoint(%q) = %v", ep, err)
		}
	}
}
