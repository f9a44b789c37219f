package prompt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"

	"github.com/aws-vault/aws-vault/engine/childenv"
)

// Driver asks for the current MFA code of the device mfaSerial.
type Driver func(ctx context.Context, mfaSerial string) (string, error)

// drivers is the registry of --prompt values, as in the original aws-vault.
var drivers = map[string]Driver{
	"terminal":  terminalDriver,
	"ykman":     ykmanDriver,
	"zenity":    zenityDriver,
	"kdialog":   kdialogDriver,
	"osascript": osascriptDriver,
}

// Drivers lists the driver names, sorted.
func Drivers() []string {
	names := make([]string, 0, len(drivers))
	for n := range drivers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// programs are the programs the drivers other than terminal run.
var programs = map[string]string{"ykman": "ykman", "zenity": "zenity", "kdialog": "kdialog", "osascript": "osascript"}

// Available lists, sorted, the drivers that can work here: terminal, and
// those whose program is on PATH (osascript on macOS only). It searches
// PATH, so it is for help texts, completion and Pick, not for every start.
func Available() []string {
	var out []string
	for _, name := range Drivers() {
		prog, ok := programs[name]
		if !ok {
			out = append(out, name)
			continue
		}
		if name == "osascript" && runtime.GOOS != "darwin" {
			continue
		}
		if _, err := exec.LookPath(prog); err == nil {
			out = append(out, name)
		}
	}
	return out
}

// NonTerminal is the driver for someone who chose none when the terminal is not
// the place to ask: as in the original, the first by name of those
// Available other than terminal (kdialog, osascript, ykman, zenity), else
// terminal.
func NonTerminal() string {
	for _, name := range Available() {
		if name != "terminal" {
			return name
		}
	}
	return "terminal"
}

// Get returns the named driver.
func Get(name string) (Driver, error) {
	d, ok := drivers[name]
	if !ok {
		return nil, fmt.Errorf("unknown prompt driver %q; choose one of %s", name, strings.Join(Drivers(), ", "))
	}
	return d, nil
}

// Interactive reports whether a driver asks a person (so a wrong code can be
// asked for again) rather than a device or a program.
func Interactive(name string) bool { return name != "ykman" }

func question(serial string) string { return fmt.Sprintf("Enter MFA code for %s: ", serial) }

// terminalDriver reads from the controlling terminal, never stdin, so that
// `exec -- cmd < file` and eval "$(aws-vault env …)" both work.
func terminalDriver(_ context.Context, serial string) (string, error) {
	code, err := TTYSecretVisible(question(serial))
	if err != nil {
		return "", fmt.Errorf("asking for the MFA code on the terminal: %w (use --mfa-token, mfa_process or another --prompt)", err)
	}
	return code, nil
}

func run(ctx context.Context, name string, args ...string) (string, error) {
	if _, err := exec.LookPath(name); err != nil {
		return "", fmt.Errorf("the %s prompt driver needs %q on PATH", name, name)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = childenv.Environ()
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			return "", fmt.Errorf("%s: %w: %s", name, err, msg)
		}
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return strings.TrimSpace(out.String()), nil
}

// ykmanDriver asks a YubiKey for the OATH code named after the MFA serial, or
// YKMAN_OATH_CREDENTIAL_NAME.
func ykmanDriver(ctx context.Context, serial string) (string, error) {
	name := serial
	if n := os.Getenv("YKMAN_OATH_CREDENTIAL_NAME"); n != "" {
		name = n
	}
	args := ykmanArgs(name, os.Getenv)
	log.Printf("fetching the MFA code with: ykman %s", strings.Join(args, " "))
	fmt.Fprintf(os.Stderr, "Fetching MFA code from YubiKey for %q (touch it if it blinks)\n", name)
	return run(ctx, "ykman", args...)
}

// ykmanArgs are ykman's arguments for the code of credential name, as the
// original builds them: YKMAN_OATH_DEVICE_SERIAL picks one of several keys
// (--device), and AWS_VAULT_YKMAN_VERSION 1 to 3 (a major version, so
// "3.1" counts as 3) uses "oath code" from before ykman 4 renamed it
// "oath accounts code".
func ykmanArgs(name string, getenv func(string) string) []string {
	var args []string
	if d := getenv("YKMAN_OATH_DEVICE_SERIAL"); d != "" {
		args = append(args, "--device", d)
	}
	major, _, _ := strings.Cut(strings.TrimSpace(getenv("AWS_VAULT_YKMAN_VERSION")), ".")
	switch major {
	case "1", "2", "3":
		return append(args, "oath", "code", "--single", name)
	}
	return append(args, "oath", "accounts", "code", "--single", name)
}

func zenityDriver(ctx context.Context, serial string) (string, error) {
	return run(ctx, "zenity", "--entry", "--title", "aws-vault", "--text", question(serial))
}

func kdialogDriver(ctx context.Context, serial string) (string, error) {
	return run(ctx, "kdialog", "--inputbox", question(serial), "--title", "aws-vault")
}

func osascriptDriver(ctx context.Context, serial string) (string, error) {
	if runtime.GOOS != "darwin" {
		return "", errors.New("the osascript prompt driver works on macOS only")
	}
	// The serial goes in through the environment, not the script text, so
	// no quoting can break the AppleScript.
	script := `set s to system attribute "AWS_VAULT_MFA_SERIAL"
text returned of (display dialog ("Enter MFA code for " & s) default answer "" with title "aws-vault" with hidden answer)`
	cmd := exec.CommandContext(ctx, "osascript", "-e", script)
	cmd.Env = append(childenv.Environ(), "AWS_VAULT_MFA_SERIAL="+serial)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("osascript: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Process runs an mfa_process command through the shell and returns what it
// prints.
func Process(ctx context.Context, command string) (string, error) {
	cmd := shellCommand(ctx, command)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("mfa_process %q: %w", command, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// shellCommand runs a config-file command line through the shell, with
// the Private variables left out of its environment.
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd.exe", "/C", command)
	} else {
		cmd = exec.CommandContext(ctx, "/bin/sh", "-c", command)
	}
	cmd.Env = childenv.Environ()
	return cmd
}

// ShellCommand is the command that runs a config-file command line.
func ShellCommand(ctx context.Context, command string) *exec.Cmd { return shellCommand(ctx, command) }

// ValidCode checks the shape of an MFA code: six digits (AWS's TOTP devices).
func ValidCode(code string) error {
	if code == "" {
		return errors.New("no MFA code was entered")
	}
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return fmt.Errorf("an MFA code is 6 digits; got %d characters", len(code))
	}
	return nil
}
