// Command awsfake runs the awsfake STS endpoint as a standalone process, for
// end-to-end tests of a built binary.
//
// Usage:
//
//	awsfake -config users-and-roles.json [-addr 127.0.0.1:0] [-log calls.jsonl]
//	awsfake -count ACTION -log calls.jsonl
//
// In the first form it prints the server's base URL ("http://127.0.0.1:PORT")
// as the first line of standard output, then serves until it receives
// SIGTERM or SIGINT. With -log, every request is appended to the file as one
// JSON line (an awsfake.Call: time, service, action, region, access_key_id,
// params, principal, err), without any secret.
//
// In the second form it prints how many calls of ACTION the log file holds.
//
// The config file is JSON:
//
//	{
//	  "users": [{"name": "alice", "account_id": "111111111111",
//	             "access_key_id": "AKIA...", "secret_access_key": "...",
//	             "mfa_serial": "arn:aws:iam::111111111111:mfa/alice", "mfa_code": "123456"}],
//	  "roles": [{"arn": "arn:aws:iam::222222222222:role/admin",
//	             "require_mfa": true, "max_session_duration_seconds": 43200,
//	             "require_external_id": "", "trust_web_identity_token": ""}],
//	  "sso_assignments": [{"account_id": "444444444444", "account_name": "prod", "role_name": "Admin"}],
//	  "sso_list_rate_limit": 20
//	}
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws-vault/aws-vault/engine/awsfake"
)

type roleConfig struct {
	ARN                       string `json:"arn"`
	RequireMFA                bool   `json:"require_mfa"`
	MaxSessionDurationSeconds int    `json:"max_session_duration_seconds"`
	RequireExternalID         string `json:"require_external_id"`
	TrustWebIdentityToken     string `json:"trust_web_identity_token"`
}

type ssoAssignmentConfig struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	RoleName    string `json:"role_name"`
}

type config struct {
	Users []awsfake.User `json:"users"`
	Roles []roleConfig   `json:"roles"`
	// SSOAssignments are IAM Identity Center's account assignments (none:
	// every account and role is assigned).
	SSOAssignments []ssoAssignmentConfig `json:"sso_assignments"`
	// SSOListRateLimit is how many ListAccounts and ListAccountRoles calls
	// a second are answered (the rest: TooManyRequestsException); 0: all.
	SSOListRateLimit int `json:"sso_list_rate_limit"`
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "awsfake:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("awsfake", flag.ContinueOnError)
	configPath := fs.String("config", "", "JSON `file` of users and roles")
	addr := fs.String("addr", "127.0.0.1:0", "`address` to listen on")
	logPath := fs.String("log", "", "append each call as a JSON line to `file`")
	count := fs.String("count", "", "print the number of calls of `action` in the -log file, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if *count != "" {
		if *logPath == "" {
			return errors.New("-count needs -log")
		}
		n, err := countCalls(*logPath, *count)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, n)
		return nil
	}

	srv := awsfake.New()
	if *configPath != "" {
		if err := loadConfig(srv, *configPath); err != nil {
			return err
		}
	}
	if *logPath != "" {
		f, err := os.OpenFile(*logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		srv.OnCall(func(c awsfake.Call) {
			line, err := json.Marshal(c)
			if err != nil {
				fmt.Fprintln(os.Stderr, "awsfake: encoding call:", err)
				return
			}
			// One write per line, so that readers never see half a line.
			if _, err := f.Write(append(line, '\n')); err != nil {
				fmt.Fprintln(os.Stderr, "awsfake: writing log:", err)
			}
		})
	}

	if err := srv.Listen(*addr); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve() }()
	fmt.Fprintln(stdout, srv.URL())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return srv.Close()
	}
}

func loadConfig(srv *awsfake.Server, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var cfg config
	if err := dec.Decode(&cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, u := range cfg.Users {
		if u.Name == "" || u.AccountID == "" || u.AccessKeyID == "" || u.SecretAccessKey == "" {
			return fmt.Errorf("%s: user %q needs name, account_id, access_key_id and secret_access_key", path, u.Name)
		}
		srv.AddUser(u)
	}
	for _, r := range cfg.Roles {
		if r.ARN == "" {
			return fmt.Errorf("%s: role needs an arn", path)
		}
		srv.AddRole(awsfake.Role{
			ARN:                   r.ARN,
			RequireMFA:            r.RequireMFA,
			MaxSessionDuration:    time.Duration(r.MaxSessionDurationSeconds) * time.Second,
			RequireExternalID:     r.RequireExternalID,
			TrustWebIdentityToken: r.TrustWebIdentityToken,
		})
	}
	for _, a := range cfg.SSOAssignments {
		if a.AccountID == "" || a.RoleName == "" {
			return fmt.Errorf("%s: an sso_assignment needs account_id and role_name", path)
		}
		srv.AddSSOAssignment(awsfake.SSOAssignment{AccountID: a.AccountID, AccountName: a.AccountName, RoleName: a.RoleName})
	}
	if cfg.SSOListRateLimit < 0 {
		return fmt.Errorf("%s: sso_list_rate_limit must not be negative", path)
	}
	srv.SetSSORateLimit(cfg.SSOListRateLimit)
	return nil
}

// countCalls counts the calls of action in a log file written with -log.
// A missing file counts as no calls.
func countCalls(path, action string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for sc.Scan() {
		var c awsfake.Call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		if c.Action == action {
			n++
		}
	}
	return n, sc.Err()
}
