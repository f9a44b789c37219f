package commands

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/aws-vault/aws-vault/engine/awsfake"
)

// The identities the fake AWS knows in every script.
const (
	scriptUserKey    = "AKIAJONSMITHEXAMPLE"
	scriptUserSecret = "jonsmithSecretKeyExample0123456789abcdef"
	scriptMFASerial  = "arn:aws:iam::111111111111:mfa/jonsmith"
	scriptMFACode    = "123456"
)

func startFake(env *testscript.Env) (*awsfake.Server, error) {
	srv := awsfake.New()
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		return nil, err
	}
	go func() { _ = srv.Serve() }()
	env.Defer(func() { _ = srv.Close() })
	srv.AddUser(awsfake.User{Name: "jonsmith", AccountID: "111111111111", AccessKeyID: scriptUserKey, SecretAccessKey: scriptUserSecret, MFASerial: scriptMFASerial, MFACode: scriptMFACode})
	srv.AddRole(awsfake.Role{ARN: "arn:aws:iam::222222222222:role/ReadOnly"})
	srv.AddRole(awsfake.Role{ARN: "arn:aws:iam::222222222222:role/Administrator", RequireMFA: true, MaxSessionDuration: 12 * time.Hour})
	env.Values["fake"] = srv
	env.Setenv("STS_URL", srv.URL())
	env.Setenv("AWS_ENDPOINT_URL_STS", srv.URL())
	env.Setenv("USER_KEY", scriptUserKey)
	env.Setenv("USER_SECRET", scriptUserSecret)
	return srv, nil
}

// scriptCmds are assertions about the fake and about secrets.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"ptyshell": ptyShell,
	// stscalls ACTION N: the fake answered ACTION exactly N times.
	"stscalls": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: stscalls ACTION N")
		}
		srv := ts.Value("fake").(*awsfake.Server)
		want, _ := strconv.Atoi(args[1])
		got := srv.CountCalls(args[0])
		if (got == want) == neg {
			ts.Fatalf("%s calls: %d, want %d", args[0], got, want)
		}
	},
	// nosecrets CREDS.json FILE...: none of the secrets in the credential
	// document, nor the long-term secret, appear in the files.
	"nosecrets": func(ts *testscript.TestScript, neg bool, args []string) {
		var doc struct{ SecretAccessKey, SessionToken string }
		if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc); err != nil || doc.SecretAccessKey == "" {
			ts.Fatalf("reading %s: %v", args[0], err)
		}
		secrets := []string{scriptUserSecret, doc.SecretAccessKey}
		if doc.SessionToken != "" {
			secrets = append(secrets, doc.SessionToken)
		}
		for _, f := range args[1:] {
			text := ts.ReadFile(f)
			for _, s := range secrets {
				if strings.Contains(text, s) {
					ts.Fatalf("%s contains a secret", f)
				}
			}
		}
	},
}

// TestMain lets the test binary act as aws-vault inside testscript files,
// so end-to-end tests run the real command line in a temporary HOME.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"aws-vault": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			home := env.WorkDir
			env.Setenv("HOME", home)
			env.Setenv("AWS_VAULT_BACKEND", "file")
			env.Setenv("AWS_VAULT_FILE_PASSPHRASE", "test passphrase")
			env.Setenv("AWS_VAULT_FILE_DIR", filepath.Join(home, ".awsvault", "keys"))
			env.Setenv("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
			env.Setenv("XDG_RUNTIME_DIR", filepath.Join(home, ".run"))
			if _, err := startFake(env); err != nil {
				return err
			}
			for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_VAULT"} {
				env.Setenv(k, "")
			}
			return nil
		},
		RequireExplicitExec: true,
		Cmds:                scriptCmds,
		Condition: func(cond string) (bool, error) {
			if cond != "awscli" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			_, err := os.Stat("/usr/bin/aws")
			if err != nil && os.Getenv("REQUIRE_AWSCLI") == "1" {
				return false, fmt.Errorf("REQUIRE_AWSCLI=1 but /usr/bin/aws is missing")
			}
			return err == nil, nil
		},
	})
}
