package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/childenv"
	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/providers"
	"github.com/aws-vault/aws-vault/engine/server"
)

// ExecCmd runs a command (or a subshell) with credentials in its environment.
type ExecCmd struct {
	SessionFlags `embed:""`

	JSON      bool     `name:"json" short:"j" negatable:""`
	ECSServer bool     `name:"ecs-server" negatable:""`
	Server    bool     `name:"server" short:"s" negatable:""`
	EC2Server bool     `name:"ec2-server" negatable:""`
	Lazy      bool     `name:"lazy" negatable:""`
	Stdout    bool     `name:"stdout" env:"AWS_VAULT_STDOUT" negatable:""`
	Profile   string   `arg:"" optional:"" predictor:"profile"`
	Command   []string `arg:"" optional:"" passthrough:""`
}

// execHelp is the help of ExecCmd's flags and arguments (see helpTable).
var execHelp = helpTable{
	"json":       "Output credentials in JSON that can be used by credential_process.",
	"ecs-server": "Serve credentials to the command from a local ECS credential server (the SDK must support AWS_CONTAINER_CREDENTIALS_FULL_URI) instead of putting them in its environment.",
	"server":     "Alias for --ecs-server.",
	"ec2-server": "Serve credentials from an EC2 instance metadata server on 169.254.169.254 (starts 'sudo aws-vault proxy'; any local process can read them).",
	"lazy":       "With a credential server, fetch credentials on the first request instead of before the command starts (without one it has no effect).",
	"stdout":     "IAM Identity Center: show the sign-in URL and do not open a browser.",
	"profile":    "Name of the profile; defaults to $AWS_PROFILE, then one picked from a list on a terminal.",
	"command":    "Command to execute, defaults to $SHELL.",
}

func (*ExecCmd) flagHelp() []helpTable { return []helpTable{execHelp, sessionFlagsHelp} }

// Validate rejects flag combinations that cannot work.
func (c *ExecCmd) Validate() error {
	cmd := c.command()
	ecs := c.ECSServer || c.Server
	switch {
	case c.JSON && len(cmd) > 0:
		return errors.New("--json prints credentials and runs no command; drop one of them")
	case c.JSON && (ecs || c.EC2Server):
		return errors.New("--json prints credentials and starts no credential server; drop one of them")
	case ecs && c.EC2Server:
		return errors.New("--ecs-server and --ec2-server are alternatives; choose one")
	}
	return nil
}

// command is the command to run, without the "--" separator.
func (c *ExecCmd) command() []string {
	if len(c.Command) > 0 && c.Command[0] == "--" {
		return c.Command[1:]
	}
	return c.Command
}

// Run gets credentials and runs the command.
func (c *ExecCmd) Run(a *App) error {
	// A credential_process (--json) starts no command: nothing nests.
	if !c.JSON {
		if err := a.refuseNesting(); err != nil {
			return err
		}
	}
	var err error
	if c.Profile, err = a.profileOrDefault(c.Profile); err != nil {
		return err
	}
	if c.Lazy && !c.ECSServer && !c.Server && !c.EC2Server {
		log.Printf("--lazy has no effect without --ecs-server or --ec2-server")
	}
	flags := c.SessionFlags
	flags.NoBrowser = c.Stdout
	ctx := context.Background()
	if c.ECSServer || c.Server || c.EC2Server {
		eng, err := a.engine(flags, terminalLast)
		if err != nil {
			return err
		}
		return c.runWithServer(ctx, a, eng)
	}
	eng, err := a.Engine(flags)
	if err != nil {
		return err
	}
	env, res, err := eng.Env(ctx, c.Profile)
	if err != nil {
		return err
	}
	if c.JSON {
		return writeProcessJSON(a, res)
	}
	return runChild(a, c.argv(a), env)
}

// argv is the command to run, or $SHELL as a subshell (and says so).
func (c *ExecCmd) argv(a *App) []string {
	argv := c.command()
	if len(argv) == 0 {
		shell := a.Getenv("SHELL")
		if shell == "" {
			shell = "/bin/sh"
		}
		a.helpMessage(fmt.Sprintf("Starting subshell %s, use `exit` to exit the subshell", shell))
		argv = []string{shell}
	}
	return argv
}

// helpMessage tells a person at a terminal what is happening, on the
// original's condition: stdout is a terminal, no --debug (whose log gets
// the message instead) and AWS_VAULT_DISABLE_HELP_MESSAGE is not 1.
func (a *App) helpMessage(msg string) {
	if a.Globals.Debug || !isTerminal(a.Stdout) || a.Getenv("AWS_VAULT_DISABLE_HELP_MESSAGE") == "1" {
		log.Print(msg)
		return
	}
	fmt.Fprintln(a.Stderr, msg)
}

// runWithServer starts the credential server the flags ask for and runs the
// command with an environment that points at it and holds no keys.
func (c *ExecCmd) runWithServer(ctx context.Context, a *App, eng *engine.Engine) error {
	p, err := eng.Resolve(c.Profile)
	if err != nil {
		return err
	}
	region := c.Region
	if region == "" {
		region = p.Region
	}
	ttls, err := config.LoadTTLs(a.Getenv)
	if err != nil {
		return err
	}
	opts := server.Options{
		MinTTL: ttls.MinTTL,
		Lazy:   c.Lazy,
		Source: func(ctx context.Context) (aws.Credentials, error) {
			r, err := eng.Credentials(ctx, c.Profile)
			if err != nil {
				return aws.Credentials{}, err
			}
			return r.Credentials, nil
		},
	}
	var vars map[string]string
	if c.EC2Server {
		srv, err := server.StartEC2(ctx, server.EC2Options{Options: opts, Region: region})
		if err != nil {
			return err
		}
		defer srv.Close()
		fmt.Fprintf(a.Stderr, "aws-vault: warning: serving credentials of profile %s on %s; any process on this machine can read them while it runs\n", p.Name, server.MetadataAddr)
		stop, err := server.EnsureProxy(ctx, server.LaunchOptions{Stdin: a.Stdin, Stderr: a.Stderr})
		if err != nil {
			return err
		}
		if stop != nil {
			defer func() {
				if err := stop(); err != nil {
					fmt.Fprintf(a.Stderr, "aws-vault: %v; the proxy still listens on %s: stop it with: sudo aws-vault proxy --stop\n", err, server.MetadataAddr)
				}
			}()
		}
	} else {
		srv, err := server.StartECS(ctx, opts)
		if err != nil {
			return err
		}
		defer srv.Close()
		vars = srv.Env()
	}
	return runChild(a, c.argv(a), server.ChildEnv(p.Name, region, vars))
}

func writeProcessJSON(a *App, res *engine.Result) error {
	doc := providers.ProcessOutput{
		Version:         1,
		AccessKeyID:     res.Credentials.AccessKeyID,
		SecretAccessKey: res.Credentials.SecretAccessKey,
		SessionToken:    res.Credentials.SessionToken,
	}
	if res.Credentials.CanExpire {
		doc.Expiration = res.Credentials.Expires.UTC().Format(time.RFC3339)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.Stdout, "%s\n", out)
	return err
}

// childEnviron is the parent's environment with env applied.
func childEnviron(a *App, env *engine.Env) []string {
	drop := map[string]bool{}
	for _, k := range env.Unset {
		drop[k] = true
	}
	for k := range env.Set {
		drop[k] = true
	}
	var out []string
	for _, kv := range childenv.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	for _, k := range env.Keys() {
		out = append(out, k+"="+env.Set[k])
	}
	return out
}

// runChild runs argv with env, forwards SIGINT and SIGTERM (and the other
// catchable job-control signals) to it, and exits with its status.
func runChild(a *App, argv []string, env *engine.Env) error {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return &ExitError{Code: 127, Err: fmt.Errorf("%s: command not found", argv[0])}
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = childEnviron(a, env)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.Stdin, a.Stdout, a.Stderr

	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return &ExitError{Code: 126, Err: fmt.Errorf("starting %s: %w", argv[0], err)}
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	if err == nil {
		return nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if sig, ok := killedBy(exitErr); ok {
			return &ExitError{Code: 128 + sig}
		}
		return &ExitError{Code: exitErr.ExitCode()}
	}
	return err
}
