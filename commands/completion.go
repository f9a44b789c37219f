package commands

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/posener/complete/v2"
	"github.com/posener/complete/v2/predict"

	"github.com/aws-vault/aws-vault/completions"
	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/prompt"
	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/registry"
)

// CompletionCmd prints the completion script for a shell.
type CompletionCmd struct {
	Shell string `arg:"" predictor:"shell"`
}

// completionHelp is the help of CompletionCmd's flags and arguments (see helpTable).
var completionHelp = helpTable{
	"shell": "Shell.",
}

func (*CompletionCmd) flagHelp() []helpTable { return []helpTable{completionHelp} }

// Help is the detailed help: how to install each script.
func (c *CompletionCmd) Help() string {
	return perShell("Prints the shell code that completes aws-vault's commands, flags, profiles and values. To install it:",
		func(sh shells.Shell) string { return sh.Usage().Completion })
}

// Validate checks the shell.
func (c *CompletionCmd) Validate() error { return validShell(c.Shell) }

// Run prints the script.
func (c *CompletionCmd) Run(a *App) error {
	sh, _ := registry.Lookup(c.Shell)
	s, err := sh.Completion()
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(a.Stdout, s)
	return err
}

// completionScriptBash and completionScriptZsh are the original's hidden
// --completion-script-bash and --completion-script-zsh flags: they print the
// script and exit, whatever else the line says.
type (
	completionScriptBash bool
	completionScriptZsh  bool
)

// BeforeReset prints the bash script.
func (completionScriptBash) BeforeReset(k *kong.Kong) error { return printScript(k, "bash") }

// BeforeReset prints the zsh script.
func (completionScriptZsh) BeforeReset(k *kong.Kong) error { return printScript(k, "zsh") }

func printScript(k *kong.Kong, shell string) error {
	sh, _ := registry.Lookup(shell)
	s, err := sh.Completion()
	if err != nil {
		return err
	}
	fmt.Fprint(k.Stdout, s)
	k.Exit(0)
	return nil
}

// answerCompletion answers a completion request (see completions.Requested)
// and reports whether there was one. Main calls it right after building the
// parser, before parsing: nothing here opens the keyring or parses the
// config, except the predictors that need it, when asked to predict.
func (a *App) answerCompletion(parser *kong.Kong, args []string) bool {
	if !completions.Requested(args, a.Getenv) {
		return false
	}
	root := completions.Build(parser.Model, completions.Options{
		Getenv:     a.Getenv,
		Predictors: a.predictors(),
	})
	if err := root.Answer(args, a.Getenv, a.Stdout); err != nil {
		fmt.Fprintf(a.Stderr, "aws-vault: completion: %v\n", err)
	}
	return true
}

// predictors are the values aws-vault knows how to predict, by predictor
// tag or by flag name.
func (a *App) predictors() map[string]completions.PredictorFunc {
	set := func(values func() []string) completions.PredictorFunc {
		return func(*completions.Context) complete.Predictor { return predict.Set(values()) }
	}
	return map[string]completions.PredictorFunc{
		"backend": set(keyring.Available),
		"prompt":  set(prompt.Available),
		"shell":   set(registry.Names),
		// Profile names from the config's section headers only.
		"profile": func(*completions.Context) complete.Predictor {
			return complete.PredictFunc(func(string) []string {
				names, _ := a.ProfileNames()
				return names
			})
		},
		// The config's [sso-session] names.
		"ssosession": func(*completions.Context) complete.Predictor {
			return complete.PredictFunc(func(string) []string {
				cfg, err := a.Config()
				if err != nil {
					return nil
				}
				return cfg.SSOSessionNames()
			})
		},
		"credentials": func(ctx *completions.Context) complete.Predictor {
			return complete.PredictFunc(func(string) []string { return storedNames(ctx, false) })
		},
		"sessions": func(ctx *completions.Context) complete.Predictor {
			return complete.PredictFunc(func(string) []string { return storedNames(ctx, true) })
		},
	}
}

// completionKeyringTimeout bounds the keyring work of one completion.
var completionKeyringTimeout = time.Second

// storedNames lists, for completion, the profiles with stored credentials
// (or, with sessions, with cached sessions) in the keyring that the line
// so far selects. It never asks for anything: the file backend's item names
// are its file names, read from its directory without a passphrase, and any
// other backend gets completionKeyringTimeout. Errors give no names.
func storedNames(ctx *completions.Context, sessions bool) []string {
	done := make(chan []string, 1)
	go func() { done <- keyNames(ctx, sessions) }()
	select {
	case names := <-done:
		return names
	case <-time.After(completionKeyringTimeout):
		return nil
	}
}

func keyNames(ctx *completions.Context, sessions bool) []string {
	backend := ctx.Flag("backend")
	var keys []string
	if backend == "file" {
		keys = fileKeyNames(ctx)
	} else {
		ring := keyring.New(keyring.Options{
			Backend:                 backend,
			FileDir:                 ctx.Flag("file-dir"),
			PassDir:                 ctx.Flag("pass-dir"),
			PassCmd:                 ctx.Flag("pass-cmd"),
			PassPrefix:              ctx.Flag("pass-prefix"),
			KeychainName:            ctx.Flag("keychain"),
			SecretServiceCollection: ctx.Flag("secret-service-collection"),
			KeyctlScope:             ctx.Flag("keyctl-scope"),
			Getenv:                  ctx.Getenv,
			Timeout:                 completionKeyringTimeout,
			Passphrase: func(string) (string, error) {
				if p := ctx.Getenv("AWS_VAULT_FILE_PASSPHRASE"); p != "" {
					return p, nil
				}
				return "", errors.New("completion never asks for a passphrase")
			},
		})
		b, err := ring.Backend()
		if err != nil {
			return nil
		}
		if b == "file" {
			keys = fileKeyNames(ctx)
		} else if keys, err = ring.Keys(); err != nil {
			return nil
		}
	}
	var names []string
	for _, k := range keys {
		if sessions {
			if s, ok := keyring.ParseSessionKey(k); ok {
				names = append(names, s.ProfileName)
			}
		} else if keyring.IsCredentialsKey(k) {
			names = append(names, k)
		}
	}
	return names
}

// fileKeyNames lists the file backend's item keys: its file names,
// percent-decoded as github.com/99designs/keyring encodes them.
func fileKeyNames(ctx *completions.Context) []string {
	dir := ctx.Flag("file-dir")
	if dir == "~" || strings.HasPrefix(dir, "~/") {
		home := ctx.Getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		dir = filepath.Join(home, dir[1:])
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	keys := make([]string, 0, len(entries))
	for _, e := range entries {
		keys = append(keys, percentDecode(e.Name()))
	}
	return keys
}

func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
