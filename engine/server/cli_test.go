package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awsCLI returns the Debian AWS CLI, skipping the test without it (and
// failing instead when REQUIRE_AWSCLI=1, as CI sets).
func awsCLI(t *testing.T) string {
	t.Helper()
	const path = "/usr/bin/aws"
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("REQUIRE_AWSCLI") == "1" {
			t.Fatalf("REQUIRE_AWSCLI=1 but %s is missing", path)
		}
		t.Skipf("no %s (apt-get install awscli)", path)
	}
	return path
}

// runCLI runs `aws sts get-caller-identity` against the fake STS with an
// environment that has no credentials but the server variables in env.
func runCLI(t *testing.T, w *world, env ...string) string {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(awsCLI(t), "sts", "get-caller-identity", "--endpoint-url", w.fake.URL(), "--query", "Arn", "--output", "text")
	cmd.Env = append([]string{
		"HOME=" + home, "PATH=/usr/bin:/bin",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_DEFAULT_REGION=eu-west-1",
	}, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

func checkCallerIdentity(t *testing.T, w *world, arn string) {
	t.Helper()
	if arn != "arn:aws:iam::111111111111:user/jonsmith" {
		t.Errorf("caller identity %q", arn)
	}
	calls := w.fake.Calls()
	last := calls[len(calls)-1]
	if last.Action != "GetCallerIdentity" || !strings.HasPrefix(last.AccessKeyID, "ASIA") {
		t.Errorf("last call %s signed by %s, want GetCallerIdentity with a session key", last.Action, last.AccessKeyID)
	}
	if n := w.fake.CountCalls("GetSessionToken"); n != 1 {
		t.Errorf("GetSessionToken calls: %d, want 1", n)
	}
}

// The AWS CLI (botocore's container provider) takes credentials from the
// ECS server.
func TestAWSCLIWithECSServer(t *testing.T) {
	awsCLI(t)
	w := newWorld(t)
	s, err := StartECS(context.Background(), Options{Source: w.source, Now: w.clock.Now, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var env []string
	for k, v := range s.Env() {
		env = append(env, k+"="+v)
	}
	checkCallerIdentity(t, w, runCLI(t, w, env...))
}

// The AWS CLI (botocore's instance metadata provider, which uses IMDSv2
// tokens) takes credentials from the EC2 server, reached directly through
// AWS_EC2_METADATA_SERVICE_ENDPOINT instead of the proxy.
func TestAWSCLIWithEC2Server(t *testing.T) {
	awsCLI(t)
	w := newWorld(t)
	s, err := StartEC2(context.Background(), EC2Options{Options: Options{Source: w.source, Now: w.clock.Now, Logf: t.Logf}, Addr: "127.0.0.1:0", Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkCallerIdentity(t, w, runCLI(t, w, "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://"+s.Addr()+"/"))
}
