package login

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"time"

	"github.com/aws-vault/aws-vault/engine/childenv"
)

// Opener returns the command that opens a URL in the browser, without the
// URL: $BROWSER when set (a program that takes the URL as its one
// argument), else the platform's opener: open on macOS, rundll32's
// url.dll,FileProtocolHandler on Windows (which, unlike "cmd /c start",
// does not reinterpret the & of the URL), xdg-open elsewhere.
func Opener(goos string, getenv func(string) string) []string {
	if b := getenv("BROWSER"); b != "" {
		return []string{b}
	}
	switch goos {
	case "darwin":
		return []string{"open"}
	case "windows":
		return []string{"rundll32", "url.dll,FileProtocolHandler"}
	}
	return []string{"xdg-open"}
}

// openerWait is how long Open waits for the opener to report a failure.
// Openers normally hand the URL to a running browser and exit at once; one
// that starts the browser itself may keep running, and is left to it.
const openerWait = 5 * time.Second

// CanOpenBrowser reports whether a browser can be opened on this computer:
// always on macOS and Windows; elsewhere when $BROWSER names one or a
// graphical session is running (DISPLAY or WAYLAND_DISPLAY). Without one
// (a console, an SSH session), xdg-open would fall back to a text browser
// in aws-vault's own terminal, or fail.
func CanOpenBrowser(goos string, getenv func(string) string) bool {
	switch goos {
	case "darwin", "windows":
		return true
	}
	return getenv("BROWSER") != "" || getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// Open opens rawURL with the platform's opener (see Opener).
//
// The opener gets no terminal: its standard input, output and error are
// the null device, and (on Unix) it runs in a session of its own with no
// controlling terminal, so that nothing a browser or xdg-open prints (or a
// text browser it falls back to, even through /dev/tty) reaches the user's
// terminal, and no browser takes over the terminal's input. Only its exit
// status is reported.
//
// The URL has to be the opener's argument, so while the opener runs, other
// users of the machine who can list processes may see it; the token in it
// is short-lived (15 minutes) and is also in the browser's history. The URL
// never appears in an error.
func Open(ctx context.Context, rawURL string, getenv func(string) string) error {
	argv := Opener(runtime.GOOS, getenv)
	cmd := exec.Command(argv[0], append(argv[1:], rawURL)...)
	cmd.Env = childenv.Environ()
	// nil: the null device (os/exec opens it for each).
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	detach(cmd)
	if err := cmd.Start(); err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) {
			err = ee.Err
		}
		return fmt.Errorf("opening a browser with %s: %v", argv[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(openerWait)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("opening a browser with %s: %v", argv[0], err)
		}
		return nil
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
