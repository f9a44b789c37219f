package commands

import (
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/prompt"
)

// App holds what commands share. Everything expensive is opened lazily, so
// that --help, --version and list --profiles never touch a keyring.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	LookupEnv      func(string) (string, bool)
	Globals        *Globals

	ring    *keyring.Keyring
	cfgFile *config.File
	term    *prompt.Terminal
}

func (a *App) validateGlobals() error {
	g := a.Globals
	if g.Backend != "" {
		if err := keyring.Unavailable(g.Backend); err != nil {
			return fmt.Errorf("--backend %w", err)
		}
	}
	if g.Prompt == "pass" {
		return errors.New("--prompt pass (AWS_VAULT_PROMPT=pass) no longer exists: codes from a password store " +
			"rather than a separate device go against security best practice. To keep using pass anyway, " +
			"add `mfa_process = pass otp <your mfa_serial>` to your profiles in the AWS config file")
	}
	if g.Prompt != "" && !contains(prompt.Drivers(), g.Prompt) {
		return fmt.Errorf("--prompt %q is not a prompt driver; choose one of %s", g.Prompt, strings.Join(prompt.Drivers(), ", "))
	}
	return nil
}

// Keyring returns the (lazily opened) keyring.
func (a *App) Keyring() *keyring.Keyring {
	if a.ring == nil {
		a.ring = a.keyringFor(a.Globals.Backend)
	}
	return a.ring
}

// keyringFor returns a keyring of backend ("" for the automatic choice)
// with the global flags' settings.
func (a *App) keyringFor(backend string) *keyring.Keyring {
	g := a.Globals
	return keyring.New(keyring.Options{
		Backend:                 backend,
		FileDir:                 g.FileDir,
		PassDir:                 g.PassDir,
		PassCmd:                 g.PassCmd,
		PassPrefix:              g.PassPrefix,
		KeychainName:            g.Keychain,
		SecretServiceCollection: g.SecretServiceCollection,
		KeyctlScope:             g.KeyctlScope,
		Passphrase:              a.filePassphrase,
		Getenv:                  a.Getenv,
		Notice:                  a.Stderr,
		Timeout:                 keyringTimeout(a.Getenv),
		OnePassword: keyring.OnePasswordOptions{
			VaultID: g.OpVaultID, ConnectHost: g.OpConnectHost, ItemTitlePrefix: g.OpItemTitlePrefix,
			ItemTag: g.OpItemTag, DesktopAccount: g.OpDesktopAccountID, Timeout: g.OpTimeout,
			Token: a.secretQuestion,
		},
	})
}

// keyringTimeout is AWS_VAULT_KEYRING_TIMEOUT (a Go duration), else the
// default; it bounds backend calls nobody can be answering a prompt for.
func keyringTimeout(getenv func(string) string) time.Duration {
	if d, err := time.ParseDuration(getenv("AWS_VAULT_KEYRING_TIMEOUT")); err == nil && d > 0 {
		return d
	}
	return keyring.DefaultTimeout
}

// secretQuestion asks for a secret (a 1Password token) on the terminal
// with echo off.
func (a *App) secretQuestion(question string) (string, error) {
	p, err := prompt.TTYSecret(question + ": ")
	if err != nil {
		return "", fmt.Errorf("%w; set the token's environment variable instead", err)
	}
	return p, nil
}

// filePassphrase takes AWS_VAULT_FILE_PASSPHRASE, else asks on the terminal
// with echo off.
func (a *App) filePassphrase(question string) (string, error) {
	if p := a.Getenv("AWS_VAULT_FILE_PASSPHRASE"); p != "" {
		return p, nil
	}
	log.Printf("asking for the file backend's passphrase on the terminal")
	p, err := prompt.TTYSecret(question + ": ")
	if err != nil {
		return "", fmt.Errorf("%w; set AWS_VAULT_FILE_PASSPHRASE to use the file backend without one", err)
	}
	return p, nil
}

// Config returns the AWS config file, opened with config.Open: the
// sections a command resolves are parsed when first asked for, so that
// exec, export, env, hook-exec and login cost the same on a config of
// 10,000 profiles as on one of a few; asking for every profile's name
// (list, rotate, suggestions) parses it whole.
func (a *App) Config() (*config.File, error) {
	if a.cfgFile == nil {
		path, err := config.Path(a.Getenv)
		if err != nil {
			return nil, err
		}
		log.Printf("loading AWS config %s", path)
		f, err := config.Open(path)
		if err != nil {
			return nil, err
		}
		a.cfgFile = f
	}
	return a.cfgFile, nil
}

// ProfileNames lists the config's profiles without parsing values (the
// fast path of list --profiles and completion).
func (a *App) ProfileNames() ([]string, error) {
	if a.cfgFile != nil {
		return a.cfgFile.ProfileNames(), nil
	}
	path, err := config.Path(a.Getenv)
	if err != nil {
		return nil, err
	}
	return config.ScanProfileNames(path)
}

// Terminal returns the question-asker bound to stdin and stderr.
func (a *App) Terminal() *prompt.Terminal {
	if a.term == nil {
		a.term = &prompt.Terminal{In: a.Stdin, Out: a.Stderr}
	}
	return a.term
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
