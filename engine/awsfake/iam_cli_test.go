package awsfake

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runAWSCLIQuiet runs the CLI like runAWSCLI for a command that prints
// nothing.
func runAWSCLIQuiet(t *testing.T, cli string, env map[string]string, args ...string) {
	t.Helper()
	dir := t.TempDir()
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			base = append(base, kv)
		}
	}
	base = append(base, "AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_DEFAULT_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
	for k, v := range env {
		base = append(base, k+"="+v)
	}
	cmd := exec.Command(cli, append(args, "--cli-connect-timeout", "5", "--cli-read-timeout", "10")...)
	cmd.Env = base
	if out, err := cmd.CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) != 0 {
		t.Fatalf("%s %s: %v\n%s", cli, strings.Join(args, " "), err, out)
	}
}

// TestAWSCLIIAM drives the IAM actions with the AWS CLI: its botocore
// parses the fake's XML and signs for "iam" on its own.
func TestAWSCLIIAM(t *testing.T) {
	t.Parallel()
	clis := awsCLIs()
	if len(clis) == 0 {
		if os.Getenv("REQUIRE_AWSCLI") == "1" {
			t.Fatal("aws is not on PATH and REQUIRE_AWSCLI=1")
		}
		t.Skip("aws is not on PATH")
	}
	// One CLI is enough here (each run costs seconds); TestAWSCLI checks
	// the wire format against every one.
	for _, cli := range clis[:1] {
		t.Run(cli, func(t *testing.T) {
			srv := newTestServer(t)
			srv.SetNow(time.Now)
			version, err := exec.Command(cli, "--version").CombinedOutput()
			if err != nil {
				t.Fatalf("%s --version: %v\n%s", cli, err, version)
			}
			env := map[string]string{"AWS_ACCESS_KEY_ID": aliceKey, "AWS_SECRET_ACCESS_KEY": aliceSecret}
			ep := []string{"--endpoint-url", srv.URL()}
			if supportsServiceEndpointEnv(string(version)) {
				env["AWS_ENDPOINT_URL_IAM"], ep = srv.URL(), nil
			}
			run := func(out any, env map[string]string, args ...string) {
				t.Helper()
				runAWSCLI(t, cli, env, out, append(args, ep...)...)
			}

			var user struct {
				User struct{ UserName, Arn, Path, CreateDate string }
			}
			run(&user, env, "iam", "get-user")
			if user.User.UserName != "alice" || user.User.Arn != aliceARN || user.User.CreateDate == "" {
				t.Errorf("get-user: %+v", user)
			}

			var created struct {
				AccessKey struct{ UserName, AccessKeyId, Status, SecretAccessKey string }
			}
			run(&created, env, "iam", "create-access-key")
			k := created.AccessKey
			if k.UserName != "alice" || k.Status != "Active" || !strings.HasPrefix(k.AccessKeyId, "AKIA") || len(k.SecretAccessKey) != 40 {
				t.Fatalf("create-access-key: %+v", k)
			}

			fresh := map[string]string{"AWS_ACCESS_KEY_ID": k.AccessKeyId, "AWS_SECRET_ACCESS_KEY": k.SecretAccessKey}
			for key, v := range env {
				if strings.HasPrefix(key, "AWS_ENDPOINT_URL") {
					fresh[key] = v
				}
			}
			var list struct {
				AccessKeyMetadata []struct{ UserName, AccessKeyId, Status string }
				IsTruncated       bool
			}
			run(&list, fresh, "iam", "list-access-keys", "--user-name", "alice")
			if len(list.AccessKeyMetadata) != 2 || list.IsTruncated {
				t.Fatalf("list-access-keys: %+v", list)
			}

			// delete-access-key prints nothing.
			runAWSCLIQuiet(t, cli, fresh, append([]string{"iam", "delete-access-key", "--access-key-id", aliceKey}, ep...)...)
			if got := srv.AccessKeys(aliceAccount, "alice"); len(got) != 1 || got[0] != k.AccessKeyId {
				t.Errorf("keys after delete: %v", got)
			}
			if c := lastCall(t, srv); c.Service != "iam" || c.Action != "DeleteAccessKey" || c.Err != "" || c.AccessKeyID != k.AccessKeyId {
				t.Errorf("call %+v", c)
			}
		})
	}
}
