// Package commands glues the parsed command line to the engine and the
// shells. Each command is a kong struct with a Run method in its own file.
package commands

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/aws-vault/aws-vault/completions"
	"github.com/aws-vault/aws-vault/internal/nodump"
	"github.com/aws-vault/aws-vault/internal/termsafe"
)

// CLI is the whole command tree.
type CLI struct {
	Globals
	compatFlags

	Help   HelpCmd   `cmd:"" help:"Show help."`
	Add    AddCmd    `cmd:"" help:"Add credentials to the secure keystore."`
	List   ListCmd   `cmd:"" aliases:"ls" help:"List profiles, along with their credentials and sessions."`
	Remove RemoveCmd `cmd:"" aliases:"rm" help:"Remove credentials from the secure keystore."`
	Clear  ClearCmd  `cmd:"" help:"Clear temporary credentials from the secure keystore."`
	Exec   ExecCmd   `cmd:"" help:"Execute a command with AWS credentials."`
	Export ExportCmd `cmd:"" help:"Export AWS credentials."`
	Env    EnvCmd    `cmd:"" help:"Print shell code that puts credentials into the current shell (or takes them out)."`
	Login  LoginCmd  `cmd:"" help:"Generate a login link for the AWS Console."`
	Rotate RotateCmd `cmd:"" help:"Rotate credentials."`

	MigrateBackend MigrateBackendCmd `cmd:"" name:"migrate-backend" help:"Move stored credentials (and sessions) to another keyring backend, verified before anything is deleted."`
	Proxy          ProxyCmd          `cmd:"" aliases:"server" help:"Run the privileged proxy from 169.254.169.254:80 to exec --ec2-server's metadata server (needs root)."`
	Hook           HookCmd           `cmd:"" help:"Print the shell integration (directory profiles, refresh, prompt) for your rc file."`
	Allow          AllowCmd          `cmd:"" help:"Trust the .awsprofile of a directory as it is now."`
	Deny           DenyCmd           `cmd:"" help:"Stop trusting the .awsprofile of a directory."`
	Prompt         PromptCmd         `cmd:"" help:"Print the prompt segment's code for a shell, or the segment itself with --format."`
	SSO            SSOCmd            `cmd:"" name:"sso" help:"IAM Identity Center: generate profiles from your account assignments."`

	Completion CompletionCmd `cmd:"" help:"Print the shell completion script."`

	Version VersionCmd `cmd:"" help:"Show the version and build information."`

	HookExec HookExecCmd `cmd:"" name:"hook-exec" hidden:"" help:"Run by the shell hook; prints code for the shell."`
}

// Globals are the flags every command takes, with the original's names,
// environment variables and defaults.
type Globals struct {
	Debug                   bool          `negatable:""`
	Backend                 string        `env:"AWS_VAULT_BACKEND" placeholder:"BACKEND"`
	Prompt                  string        `env:"AWS_VAULT_PROMPT" placeholder:"DRIVER" predictor:"prompt"`
	Keychain                string        `env:"AWS_VAULT_KEYCHAIN_NAME" default:"aws-vault"`
	SecretServiceCollection string        `name:"secret-service-collection" env:"AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME" default:"awsvault"`
	PassDir                 string        `env:"AWS_VAULT_PASS_PASSWORD_STORE_DIR"`
	PassCmd                 string        `env:"AWS_VAULT_PASS_CMD"`
	PassPrefix              string        `env:"AWS_VAULT_PASS_PREFIX"`
	FileDir                 string        `env:"AWS_VAULT_FILE_DIR" default:"~/.awsvault/keys/"`
	KeyctlScope             string        `env:"AWS_VAULT_KEYCTL_SCOPE" default:"user" enum:"user,session,process,thread"`
	OpTimeout               time.Duration `env:"AWS_VAULT_OP_TIMEOUT" default:"15s"`
	OpVaultID               string        `name:"op-vault-id" env:"AWS_VAULT_OP_VAULT_ID"`
	OpItemTitlePrefix       string        `env:"AWS_VAULT_OP_ITEM_TITLE_PREFIX" default:"aws-vault"`
	OpItemTag               string        `env:"AWS_VAULT_OP_ITEM_TAG" default:"aws-vault"`
	OpConnectHost           string        `env:"AWS_VAULT_OP_CONNECT_HOST"`
	OpDesktopAccountID      string        `name:"op-desktop-account-id" env:"AWS_VAULT_OP_DESKTOP_ACCOUNT_ID"`
	Version                 versionFlag   `short:"v"`
}

// globalsHelp is the help of Globals's flags and arguments (see helpTable).
var globalsHelp = helpTable{
	"debug":                     "Show debugging output.",
	"backend":                   "Secret backend to use.",
	"prompt":                    "Prompt driver to use.",
	"keychain":                  "Name of macOS keychain to use, if it doesn't exist it will be created.",
	"secret-service-collection": "Name of secret-service collection to use, if it doesn't exist it will be created.",
	"pass-dir":                  "Pass password store directory.",
	"pass-cmd":                  "Name of the pass executable.",
	"pass-prefix":               "Prefix to prepend to the item path stored in pass.",
	"file-dir":                  "Directory for the \"file\" password store.",
	"keyctl-scope":              "Kernel keyring scope for the keyctl backend (user, session; process and thread cannot keep anything and are refused).",
	"op-timeout":                "Timeout for 1Password API operations.",
	"op-vault-id":               "UUID of the 1Password vault.",
	"op-item-title-prefix":      "Prefix to prepend to 1Password item titles.",
	"op-item-tag":               "Tag to apply to 1Password items.",
	"op-connect-host":           "1Password Connect server HTTP(S) URI.",
	"op-desktop-account-id":     "1Password desktop app account name or account UUID.",
	"version":                   "Show application version.",
}

func (*Globals) flagHelp() []helpTable { return []helpTable{globalsHelp} }

// compatFlags are the original's hidden global flags that only a few
// scripts use. They are in the whole model only: a command line that
// gives one (before a "--") is parsed against the whole model (see
// namesCompatFlag). Every other start builds six flags fewer (exec's
// model: 156 kB and 1,991 allocations with them, 142 kB and 1,797 without).
type compatFlags struct {
	// The original's negations of --help and --version, which change
	// nothing.
	NoHelp    bool     `name:"no-help" hidden:""`
	NoVersion bool     `name:"no-version" hidden:""`
	HelpLong  helpLong `name:"help-long" hidden:""`
	HelpMan   helpMan  `name:"help-man" hidden:""`

	// The original's completion flags, still answered (see completion.go).
	CompletionScriptBash completionScriptBash `name:"completion-script-bash" hidden:""`
	CompletionScriptZsh  completionScriptZsh  `name:"completion-script-zsh" hidden:""`
}

// compatFlagsHelp is the help of compatFlags's flags (see helpTable).
var compatFlagsHelp = helpTable{
	"no-help":                "Do not show help.",
	"no-version":             "Do not show the version.",
	"help-long":              "Show the help of every command.",
	"help-man":               "Show the help as a man page.",
	"completion-script-bash": "Generate completion script for bash.",
	"completion-script-zsh":  "Generate completion script for ZSH.",
}

func (*CLI) flagHelp() []helpTable { return []helpTable{globalsHelp, compatFlagsHelp} }

// ExitError carries an exit status with an optional message.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Main runs aws-vault with args (without the program name) and returns the
// exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	// Before anything is read: no other process of the user may read the
	// keys, sessions or passphrase this one will hold (see nodump).
	if err := nodump.Set(); err != nil {
		fmt.Fprintf(stderr, "aws-vault: warning: %v\n", err)
	}
	if len(args) == 0 {
		// As the original: no command shows the help, with success.
		args = []string{"--help"}
	}
	env := envMap(environ)
	only := modelFor(args, func(k string) string { return env[k] })
	code, retry := mainWith(only, args, stdin, stdout, stderr, env)
	if retry {
		code, _ = mainWith(allCommands, args, stdin, stdout, stderr, env)
	}
	return code
}

// modelFor chooses the command model for args. A completion request
// (COMP_LINE set by a completion script) needs the whole model; anything
// else is parsed against the model of the one command it names, and again
// against the whole model if that fails, so that errors and suggestions are
// the same either way.
func modelFor(args []string, getenv func(string) string) string {
	if completions.Requested(args, getenv) {
		return allCommands
	}
	return commandWord(args)
}

// mainWith builds the parser for the commands only selects and runs args.
// retry reports a parse error on a partial model, which Main answers by
// running again with the whole one.
func mainWith(only string, args []string, stdin io.Reader, stdout, stderr io.Writer, env map[string]string) (code int, retry bool) {
	app := &App{Stdin: stdin, Stdout: stdout, Stderr: stderr,
		Getenv:    func(k string) string { return env[k] },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	}
	cli := CLI{}
	exitCode := -1
	parser, err := newParser(&cli, only, app, stdout, stderr, &exitCode)
	if err != nil {
		fmt.Fprintf(stderr, "aws-vault: %v\n", err)
		return 1, false
	}
	dropEmptyFlagEnv(parser.Model.Node)
	// A completion request is answered from the command model before
	// parsing: no keyring, no config beyond what the completed word needs.
	if only == allCommands && app.answerCompletion(parser, args) {
		return 0, false
	}
	return run(parser, args, app, &cli, stderr, &exitCode, only != allCommands)
}

type exitSignal struct{}

func run(parser *kong.Kong, args []string, app *App, cli *CLI, stderr io.Writer, exitCode *int, partial bool) (code int, retry bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exitSignal); ok {
				code, retry = *exitCode, false
				return
			}
			panic(r)
		}
	}()
	ctx, err := parser.Parse(args)
	if err != nil {
		if partial {
			return 2, true
		}
		fmt.Fprintf(stderr, "aws-vault: error: %s\n", termsafe.Text(err.Error()))
		return 1, false
	}
	if err := emptyProfileArg(ctx); err != nil {
		fmt.Fprintf(stderr, "aws-vault: error: %s\n", termsafe.Text(err.Error()))
		return 1, false
	}
	app.Globals = &cli.Globals
	if app.Globals.Debug {
		// Debug notes name files, directories and what they say.
		log.SetOutput(termsafe.Writer(stderr))
		log.SetFlags(log.Ltime | log.Lmicroseconds)
	} else {
		log.SetOutput(io.Discard)
	}
	if err := app.validateGlobals(); err != nil {
		fmt.Fprintf(stderr, "aws-vault: error: %s\n", termsafe.Text(err.Error()))
		return 1, false
	}
	// Errors may quote a directory or file name, or what a file says.
	if err := ctx.Run(); err != nil {
		var exit *ExitError
		if errors.As(err, &exit) {
			if exit.Err != nil {
				fmt.Fprintf(stderr, "aws-vault: %s\n", termsafe.Text(exit.Err.Error()))
			}
			return exit.Code, false
		}
		fmt.Fprintf(stderr, "aws-vault: error: %s\n", termsafe.Text(err.Error()))
		return 1, false
	}
	return 0, false
}

// dropEmptyFlagEnv unsets the environment variables of n's flags (and
// its commands') that are set but empty: the original (kingpin) reads an
// empty one as unset, where kong would try to parse "" (AWS_VAULT_STDOUT=
// is then an error). kong reads them when it parses, so the model it
// parses against is the one to look at.
func dropEmptyFlagEnv(n *kong.Node) {
	drop := func(v *kong.Value) {
		for _, name := range v.Tag.Envs {
			if val, ok := os.LookupEnv(name); ok && val == "" {
				os.Unsetenv(name)
			}
		}
	}
	for _, f := range n.Flags {
		drop(f.Value)
	}
	for _, p := range n.Positional {
		drop(p)
	}
	for _, c := range n.Children {
		dropEmptyFlagEnv(c)
	}
}

func envMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}
