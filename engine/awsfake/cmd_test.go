package awsfake

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestCmdAwsfake builds cmd/awsfake, runs it as a separate process and
// checks its URL line, that it serves STS, its call log and -count.
func TestCmdAwsfake(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "awsfake")
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := exec.Command(goBin, "build", "-o", bin, "./cmd/awsfake")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	config := filepath.Join(dir, "config.json")
	logFile := filepath.Join(dir, "calls.jsonl")
	cfg := `{
  "users": [{"name": "alice", "account_id": "111111111111", "access_key_id": "` + aliceKey + `",
             "secret_access_key": "` + aliceSecret + `", "mfa_serial": "` + aliceSerial + `", "mfa_code": "` + aliceCode + `"}],
  "roles": [{"arn": "` + adminRole + `", "require_mfa": true, "max_session_duration_seconds": 43200}]
}`
	if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin, "-config", config, "-log", logFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	t.Cleanup(func() {
		if !exited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var base string
	select {
	case base = <-lines:
	case <-time.After(30 * time.Second):
		t.Fatal("no URL line within 30s")
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q (stderr %s)", base, stderr.String())
	}

	c := sts.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: static(aliceKey, aliceSecret, ""), BaseEndpoint: aws.String(base)})
	id, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != aliceARN {
		t.Errorf("caller %q", aws.ToString(id.Arn))
	}
	sess, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(adminRole), RoleSessionName: aws.String("no-mfa")})
	wantAPIError(t, err, "AccessDenied", 403)

	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	var calls []Call
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var call Call
		if err := json.Unmarshal([]byte(line), &call); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		calls = append(calls, call)
	}
	if len(calls) != 3 {
		t.Fatalf("%d log lines, want 3:\n%s", len(calls), data)
	}
	if c := calls[0]; c.Action != "GetCallerIdentity" || c.Principal != aliceARN || c.AccessKeyID != aliceKey || c.Region != "us-east-1" || c.Err != "" {
		t.Errorf("first call %+v", c)
	}
	if c := calls[1]; c.Action != "GetSessionToken" || c.Params.Get("TokenCode") != aliceCode {
		t.Errorf("second call %+v", c)
	}
	if c := calls[2]; c.Action != "AssumeRole" || c.Err != "AccessDenied" {
		t.Errorf("third call %+v", c)
	}
	for _, secret := range []string{aliceSecret, aws.ToString(sess.Credentials.SecretAccessKey), aws.ToString(sess.Credentials.SessionToken)} {
		if strings.Contains(string(data), secret) {
			t.Errorf("log contains a secret")
		}
	}

	out, err := exec.Command(bin, "-count", "GetSessionToken", "-log", logFile).Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(out)) != "1" {
		t.Errorf("-count printed %q, want 1", out)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited = true
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v (stderr %s)", err, stderr.String())
	}
}
