// Package prompt asks people for things: secrets and confirmations on the
// terminal, and MFA codes through the drivers of the original aws-vault.
package prompt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"
)

// The terminal a hidden question has changed (echo off), while it waits.
var (
	pendingMu    sync.Mutex
	pendingFd    int
	pendingState *term.State
)

// readPassword is term.ReadPassword, remembering how the terminal was so
// that RestoreTerminal can put it back if the program ends meanwhile.
func readPassword(fd int) ([]byte, error) {
	if st, err := term.GetState(fd); err == nil {
		pendingMu.Lock()
		pendingFd, pendingState = fd, st
		pendingMu.Unlock()
		defer func() {
			pendingMu.Lock()
			pendingState = nil
			pendingMu.Unlock()
		}()
	}
	return term.ReadPassword(fd)
}

// RestoreTerminal puts back the terminal that a hidden question in
// progress changed, for a program that exits while it waits (Ctrl-C):
// otherwise the shell is left with echo off.
func RestoreTerminal() {
	pendingMu.Lock()
	defer pendingMu.Unlock()
	if pendingState != nil {
		_ = term.Restore(pendingFd, pendingState)
		pendingState = nil
	}
}

// Terminal reads answers. When In is a terminal, secrets are read with echo
// off; otherwise a line is read from In, so scripts can pipe answers in.
type Terminal struct {
	In  io.Reader
	Out io.Writer // where questions go: stderr, never stdout

	reader *bufio.Reader
}

func (t *Terminal) fd() (int, bool) {
	if f, ok := t.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return int(f.Fd()), true
	}
	return 0, false
}

var errClosed = errors.New("no answer: standard input is closed")

func (t *Terminal) line() (string, error) {
	if t.reader == nil {
		t.reader = bufio.NewReader(t.In)
	}
	s, err := t.reader.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		if errors.Is(err, io.EOF) {
			return "", errClosed
		}
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// Secret asks with hidden input.
func (t *Terminal) Secret(question string) (string, error) {
	fmt.Fprint(t.Out, question)
	if fd, ok := t.fd(); ok {
		b, err := readPassword(fd)
		fmt.Fprintln(t.Out)
		if err != nil {
			return "", fmt.Errorf("reading from the terminal: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	s, err := t.line()
	return strings.TrimSpace(s), err
}

// Text asks with visible input.
func (t *Terminal) Text(question string) (string, error) {
	fmt.Fprint(t.Out, question)
	s, err := t.line()
	return strings.TrimSpace(s), err
}

// Optional asks with visible input; when the answers come from a pipe that
// has ended, the answer is "" (a question added after scripts were
// written must not break them).
func (t *Terminal) Optional(question string) (string, error) {
	fmt.Fprint(t.Out, question)
	s, err := t.line()
	if err != nil {
		if _, isTTY := t.fd(); !isTTY && errors.Is(err, errClosed) {
			fmt.Fprintln(t.Out)
			return "", nil
		}
		return "", err
	}
	return strings.TrimSpace(s), nil
}

// Confirm asks a (y|N) question; anything but y or yes is no.
func (t *Terminal) Confirm(question string) (bool, error) {
	ans, err := t.Text(question + " (y|N) ")
	if err != nil {
		return false, err
	}
	switch strings.ToLower(ans) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// HasTTY reports whether there is a controlling terminal to ask on.
func HasTTY() bool {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	tty.Close()
	return true
}

// TTYSecretVisible asks on the controlling terminal with echo on (an MFA
// code is short-lived and people like to see what they typed).
func TTYSecretVisible(question string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", errors.New("no terminal to ask on")
	}
	defer tty.Close()
	fmt.Fprint(tty, question)
	s, err := bufio.NewReader(tty).ReadString('\n')
	if err != nil && s == "" {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return strings.TrimSpace(s), nil
}

// TTYSecret asks on the controlling terminal (/dev/tty), not on stdin, so
// that it works inside eval "$(…)" and with stdin redirected. It fails
// plainly where there is no terminal.
func TTYSecret(question string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", errors.New("no terminal to ask on")
	}
	defer tty.Close()
	fmt.Fprint(tty, question)
	b, err := readPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
