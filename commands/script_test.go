package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/aws-vault/aws-vault/engine/awsfake"
	"github.com/aws-vault/aws-vault/engine/keyring"
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
	env.Setenv("AWS_ENDPOINT_URL_IAM", srv.URL())
	env.Setenv("AWS_VAULT_FEDERATION_URL", srv.URL()+"/federation")
	env.Setenv("USER_KEY", scriptUserKey)
	env.Setenv("USER_SECRET", scriptUserSecret)
	return srv, nil
}

// scriptCmds are assertions about the fake and about secrets.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// failnext ACTION CODE [STATUS]: the fake's next ACTION fails (awsfake.Server.FailNext).
	"failnext": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 || len(args) > 3 {
			ts.Fatalf("usage: failnext ACTION CODE [STATUS]")
		}
		status := 0
		if len(args) == 3 {
			status, _ = strconv.Atoi(args[2])
		}
		ts.Value("fake").(*awsfake.Server).FailNext(args[0], args[1], status)
	},
	// loseanswer ACTION: the fake carries out its next ACTION call and
	// closes the connection without answering (awsfake.Server.LoseNextAnswer).
	"loseanswer": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: loseanswer ACTION")
		}
		ts.Value("fake").(*awsfake.Server).LoseNextAnswer(args[0])
	},
	// signintoken VAR [PRINCIPAL-PREFIX]: VAR is set to the last console
	// sign-in token the fake issued, whose principal starts with the prefix.
	"signintoken": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 1 || len(args) > 2 {
			ts.Fatalf("usage: signintoken VAR [PRINCIPAL-PREFIX]")
		}
		toks := ts.Value("fake").(*awsfake.Server).SigninTokens()
		if len(toks) == 0 {
			ts.Fatalf("no sign-in token issued")
		}
		tok := toks[len(toks)-1]
		if len(args) == 2 && !strings.HasPrefix(tok.Principal, args[1]) {
			ts.Fatalf("sign-in token of %s, want %s…", tok.Principal, args[1])
		}
		ts.Setenv(args[0], tok.Token)
	},
	// signin FILE DESTINATION: following the URL in FILE (as a browser
	// would) through the fake's sign-in endpoint ends in a redirect to
	// DESTINATION.
	"signin": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: signin FILE DESTINATION")
		}
		base := ts.Value("fake").(*awsfake.Server).URL() + "/"
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		next := strings.TrimSpace(ts.ReadFile(args[0]))
		for hops := 0; strings.HasPrefix(next, base); hops++ {
			if hops == 5 {
				ts.Fatalf("too many redirects")
			}
			resp, err := client.Get(next)
			if err != nil {
				var ue *url.Error
				if errors.As(err, &ue) {
					err = ue.Err // without the URL and its token
				}
				ts.Fatalf("%v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				ts.Fatalf("%s answered %s: %s", strings.SplitN(next, "?", 2)[0], resp.Status, body)
			}
			next = resp.Header.Get("Location")
		}
		if next != args[1] {
			ts.Fatalf("ended at %s, want %s", next, args[1])
		}
	},
	// nosecretsin FILE...: the files hold none of the long-term secret,
	// the fake's session tokens, the sign-in tokens it issued, or the
	// secrets of the keys stored in the keyring.
	"nosecretsin": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) == 0 {
			ts.Fatalf("usage: nosecretsin FILE...")
		}
		secrets := []string{scriptUserSecret, "FQoFAKE"}
		for _, tok := range ts.Value("fake").(*awsfake.Server).SigninTokens() {
			secrets = append(secrets, tok.Token)
		}
		ring := keyring.New(keyring.Options{Backend: "file", FileDir: ts.Getenv("AWS_VAULT_FILE_DIR"),
			Passphrase: func(string) (string, error) { return ts.Getenv("AWS_VAULT_FILE_PASSPHRASE"), nil }})
		names, _ := ring.CredentialNames()
		for _, n := range names {
			if k, err := ring.GetCredentials(n); err == nil {
				secrets = append(secrets, k.SecretAccessKey)
			}
		}
		for _, f := range args {
			text := ts.ReadFile(f)
			for _, s := range secrets {
				if strings.Contains(text, s) {
					ts.Fatalf("%s contains a secret", f)
				}
			}
		}
	},
	// iamkeys N: the fake's user jonsmith has N access keys.
	"iamkeys": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 1 {
			ts.Fatalf("usage: iamkeys N")
		}
		want, _ := strconv.Atoi(args[0])
		got := ts.Value("fake").(*awsfake.Server).AccessKeys("111111111111", "jonsmith")
		if (len(got) == want) == neg {
			ts.Fatalf("jonsmith has %d access keys %v, want %d", len(got), got, want)
		}
	},
	// storedkey PROFILE [VAR]: the key stored for PROFILE works (an STS
	// call signed by it succeeds as jonsmith); VAR is set to its key ID.
	"storedkey": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 1 || len(args) > 2 {
			ts.Fatalf("usage: storedkey PROFILE [VAR]")
		}
		ring := keyring.New(keyring.Options{Backend: "file", FileDir: ts.Getenv("AWS_VAULT_FILE_DIR"),
			Passphrase: func(string) (string, error) { return ts.Getenv("AWS_VAULT_FILE_PASSPHRASE"), nil }})
		key, err := ring.GetCredentials(args[0])
		if err != nil {
			ts.Fatalf("reading the key of %s: %v", args[0], err)
		}
		if len(args) == 2 {
			ts.Setenv(args[1], key.AccessKeyID)
		}
		c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.Value("fake").(*awsfake.Server).URL()),
			Credentials: credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey, "")})
		out, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		works := err == nil && aws.ToString(out.Arn) == "arn:aws:iam::111111111111:user/jonsmith"
		if works == neg {
			ts.Fatalf("stored key of %s works: %v (%v)", args[0], works, err)
		}
	},
	"ptyshell": ptyShell,
	// procs TRACE STEP N: in the strace -f output TRACE, after the first
	// stat of /nonexistent/mark-STEP and before the next mark, exactly N
	// processes started (execve) and N forks (fork, vfork, or a clone that
	// is not a thread) happened.
	"procs": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 3 {
			ts.Fatalf("usage: procs TRACE STEP N")
		}
		want, _ := strconv.Atoi(args[2])
		mark := regexp.MustCompile(`/nonexistent/mark-([\w-]+)`)
		clone := regexp.MustCompile(`\bclone3?\(`)
		fork := regexp.MustCompile(`\bv?fork\(`)
		in, seen, starts, forks := false, false, 0, 0
		for _, line := range strings.Split(ts.ReadFile(args[0]), "\n") {
			if m := mark.FindStringSubmatch(line); m != nil {
				in = m[1] == args[1]
				seen = seen || in
				continue
			}
			if !in || strings.Contains(line, "= -1") || strings.Contains(line, "resumed>") {
				continue
			}
			switch {
			case strings.Contains(line, "execve("):
				starts++
			case fork.MatchString(line), clone.MatchString(line) && !strings.Contains(line, "CLONE_THREAD"):
				forks++
			}
		}
		if !seen {
			ts.Fatalf("no mark %s in %s", args[1], args[0])
		}
		if starts != want || forks != want {
			ts.Fatalf("%s: %d processes started and %d forks, want %d", args[1], starts, forks, want)
		}
	},
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
	// ssofake SETTING [VALUE]: changes the fake IAM Identity Center:
	// tokenttl DURATION (access tokens issued from now on), refreshttl
	// DURATION, revoke (every access token), revoke-refresh (every refresh
	// token), deny on|off (the user denies /authorize), pagesize ACCOUNTS
	// ROLES, assign ACCOUNT NAME ROLE..., unassign ACCOUNT ROLE.
	"ssofake": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 1 {
			ts.Fatalf("usage: ssofake SETTING [VALUE...]")
		}
		srv := ts.Value("fake").(*awsfake.Server)
		dur := func() time.Duration {
			if len(args) != 2 {
				ts.Fatalf("usage: ssofake %s DURATION", args[0])
			}
			d, err := time.ParseDuration(args[1])
			ts.Check(err)
			return d
		}
		switch args[0] {
		case "tokenttl":
			srv.SetSSOTokenTTL(dur())
		case "refreshttl":
			srv.SetSSORefreshTTL(dur())
		case "revoke":
			srv.RevokeSSOTokens()
		case "revoke-refresh":
			srv.RevokeSSORefreshTokens()
		case "deny":
			srv.SetSSOAuthorizeDenied(len(args) == 2 && args[1] == "on")
		case "pagesize":
			if len(args) != 3 {
				ts.Fatalf("usage: ssofake pagesize ACCOUNTS ROLES")
			}
			a, _ := strconv.Atoi(args[1])
			r, _ := strconv.Atoi(args[2])
			srv.SetSSOPageSize(a, r)
		case "assign":
			if len(args) < 4 {
				ts.Fatalf("usage: ssofake assign ACCOUNT NAME ROLE...")
			}
			for _, role := range args[3:] {
				srv.AddSSOAssignment(awsfake.SSOAssignment{AccountID: args[1], AccountName: args[2], RoleName: role})
			}
		case "unassign":
			if len(args) != 3 {
				ts.Fatalf("usage: ssofake unassign ACCOUNT ROLE")
			}
			srv.RemoveSSOAssignment(args[1], args[2])
		default:
			ts.Fatalf("ssofake: unknown setting %q", args[0])
		}
	},
	// ssogrants GRANT N: the fake issued N tokens with CreateToken's
	// grantType GRANT (device_code, authorization_code, refresh_token);
	// refused calls do not count.
	"ssogrants": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: ssogrants GRANT N")
		}
		want, _ := strconv.Atoi(args[1])
		got := 0
		for _, c := range ts.Value("fake").(*awsfake.Server).Calls() {
			if g := c.Params.Get("grantType"); c.Action == "CreateToken" && c.Err == "" && (g == args[0] || strings.HasSuffix(g, ":"+args[0])) {
				got++
			}
		}
		if (got == want) == neg {
			ts.Fatalf("CreateToken %s: %d, want %d", args[0], got, want)
		}
	},
	// stsparams ACTION [N]: prints the request parameters of the fake's
	// last (or Nth) ACTION call as the wire carried them, one name=value a
	// line, sorted; Action and Version are left out.
	"stsparams": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 1 || len(args) > 2 {
			ts.Fatalf("usage: stsparams ACTION [N]")
		}
		var calls []awsfake.Call
		for _, c := range ts.Value("fake").(*awsfake.Server).Calls() {
			if c.Action == args[0] {
				calls = append(calls, c)
			}
		}
		n := len(calls)
		if len(args) == 2 {
			n, _ = strconv.Atoi(args[1])
		}
		if n < 1 || n > len(calls) {
			ts.Fatalf("%s call %d of %d", args[0], n, len(calls))
		}
		var lines []string
		for k, vs := range calls[n-1].Params {
			if k == "Action" || k == "Version" {
				continue
			}
			for _, v := range vs {
				lines = append(lines, k+"="+v)
			}
		}
		sort.Strings(lines)
		for _, l := range lines {
			fmt.Fprintln(ts.Stdout(), l)
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
			// The directory of the aws-vault command, so that a script can
			// run it with a PATH of its own choosing.
			if p, err := exec.LookPath("aws-vault"); err == nil {
				env.Setenv("TESTBIN", filepath.Dir(p))
			}
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
			if cond == "nobus" {
				// No session-bus socket where godbus looks for one.
				dir := fmt.Sprintf("/run/user/%d/", os.Getuid())
				for _, name := range []string{"bus", "dbus-session"} {
					if _, err := os.Stat(dir + name); !os.IsNotExist(err) {
						return false, nil
					}
				}
				return true, nil
			}
			if cond == "root" {
				// Files of another user can be made with chown.
				return os.Geteuid() == 0, nil
			}
			if cond == "strace" {
				_, err := exec.LookPath("strace")
				if err != nil && os.Getenv("REQUIRE_SHELLS") == "1" {
					return false, fmt.Errorf("REQUIRE_SHELLS=1 but strace is missing")
				}
				return err == nil, nil
			}
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
