package awsfake

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// awsCLIs returns the AWS CLIs to test against: the one on PATH and the
// Debian package's /usr/bin/aws, if different.
func awsCLIs() []string {
	var clis []string
	seen := map[string]bool{}
	add := func(p string) {
		if p == "" {
			return
		}
		abs, err := filepath.Abs(p)
		if err != nil || seen[abs] {
			return
		}
		if fi, err := os.Stat(abs); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return
		}
		seen[abs] = true
		clis = append(clis, abs)
	}
	if p, err := exec.LookPath("aws"); err == nil {
		add(p)
	}
	if len(clis) > 0 {
		add("/usr/bin/aws")
	}
	return clis
}

var cliVersionRE = regexp.MustCompile(`aws-cli/(\d+)\.(\d+)\.(\d+)`)

// supportsServiceEndpointEnv reports whether an AWS CLI version honours
// AWS_ENDPOINT_URL_<SERVICE> (added in v1.29.0 and v2.13.0).
func supportsServiceEndpointEnv(version string) bool {
	m := cliVersionRE.FindStringSubmatch(version)
	if m == nil {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	switch major {
	case 1:
		return minor >= 29
	case 2:
		return minor >= 13
	}
	return major > 2
}

// runAWSCLI runs the CLI with only the given AWS_* variables set and no
// config or credentials files, and decodes its JSON output.
func runAWSCLI(t *testing.T, cli string, env map[string]string, out any, args ...string) {
	t.Helper()
	dir := t.TempDir()
	base := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			base = append(base, kv)
		}
	}
	base = append(base,
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_MAX_ATTEMPTS=1",
		"AWS_PAGER=",
	)
	for k, v := range env {
		base = append(base, k+"="+v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli, append(args, "--output", "json", "--cli-connect-timeout", "5", "--cli-read-timeout", "10")...)
	cmd.Env = base
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", cli, strings.Join(args, " "), err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("decoding %q: %v", stdout, err)
	}
}

func TestAWSCLI(t *testing.T) {
	clis := awsCLIs()
	if len(clis) == 0 {
		if os.Getenv("REQUIRE_AWSCLI") == "1" {
			t.Fatal("aws is not on PATH and REQUIRE_AWSCLI=1")
		}
		t.Skip("aws is not on PATH")
	}
	srv := newTestServer(t)
	srv.SetNow(time.Now)

	for _, cli := range clis {
		t.Run(cli, func(t *testing.T) {
			version, err := exec.Command(cli, "--version").CombinedOutput()
			if err != nil {
				t.Fatalf("%s --version: %v\n%s", cli, err, version)
			}
			t.Logf("%s", strings.TrimSpace(string(version)))

			type endpoint struct {
				name string
				env  map[string]string
				args []string
			}
			endpoints := []endpoint{{name: "endpoint-url flag", env: map[string]string{}, args: []string{"--endpoint-url", srv.URL()}}}
			if supportsServiceEndpointEnv(string(version)) {
				endpoints = append(endpoints, endpoint{name: "AWS_ENDPOINT_URL_STS", env: map[string]string{"AWS_ENDPOINT_URL_STS": srv.URL()}})
			} else {
				t.Logf("this version does not support AWS_ENDPOINT_URL_STS; testing --endpoint-url only")
			}

			for _, ep := range endpoints {
				t.Run(ep.name, func(t *testing.T) {
					env := func(kv ...string) map[string]string {
						m := map[string]string{}
						for k, v := range ep.env {
							m[k] = v
						}
						for i := 0; i+1 < len(kv); i += 2 {
							m[kv[i]] = kv[i+1]
						}
						return m
					}
					args := func(a ...string) []string { return append(a, ep.args...) }

					before := srv.CountCalls("GetCallerIdentity")
					var id struct{ UserId, Account, Arn string }
					runAWSCLI(t, cli, env("AWS_ACCESS_KEY_ID", aliceKey, "AWS_SECRET_ACCESS_KEY", aliceSecret), &id, args("sts", "get-caller-identity")...)
					if id.Arn != aliceARN || id.Account != aliceAccount || !strings.HasPrefix(id.UserId, "AIDA") {
						t.Errorf("get-caller-identity: %+v", id)
					}
					if got := srv.CountCalls("GetCallerIdentity") - before; got != 1 {
						t.Errorf("%d GetCallerIdentity calls, want 1", got)
					}
					if c := lastCall(t, srv); c.Err != "" || c.AccessKeyID != aliceKey {
						t.Errorf("call %+v", c)
					}

					// Session credentials (with MFA) signed by the CLI, with a
					// session token header, to assume an MFA-protected role.
					var sess struct {
						Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
					}
					runAWSCLI(t, cli, env("AWS_ACCESS_KEY_ID", aliceKey, "AWS_SECRET_ACCESS_KEY", aliceSecret), &sess,
						args("sts", "get-session-token", "--serial-number", aliceSerial, "--token-code", aliceCode, "--duration-seconds", "900")...)
					var role struct {
						AssumedRoleUser struct{ Arn, AssumedRoleId string }
					}
					runAWSCLI(t, cli, env("AWS_ACCESS_KEY_ID", sess.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY", sess.Credentials.SecretAccessKey,
						"AWS_SESSION_TOKEN", sess.Credentials.SessionToken), &role,
						args("sts", "assume-role", "--role-arn", adminRole, "--role-session-name", "cli")...)
					if role.AssumedRoleUser.Arn != "arn:aws:sts::222222222222:assumed-role/admin/cli" {
						t.Errorf("assume-role: %+v", role)
					}
				})
			}
		})
	}
}
