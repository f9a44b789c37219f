package prompt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"
)

// ErrPickCancelled is returned when the person leaves the picker (Esc,
// Ctrl-C, Ctrl-D on an empty filter).
var ErrPickCancelled = errors.New("no profile picked")

// Pick asks on the controlling terminal which of items to use. Typing
// filters the list (case-insensitive; names that start with the text
// first), Up/Down or Ctrl-P/Ctrl-N move, Enter picks, Esc or Ctrl-C
// cancels. It draws on the terminal only, never on stdout, so it works
// inside eval "$(…)", and leaves nothing on the screen.
func Pick(title string, items []string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", errors.New("no terminal to ask on")
	}
	defer tty.Close()
	return PickOn(tty, title, items)
}

// PickOn is Pick on tty, which must be a terminal.
func PickOn(tty *os.File, title string, items []string) (string, error) {
	fd := int(tty.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	release := holdTerminal(fd, old)
	defer func() {
		release()
		_ = term.Restore(fd, old)
	}()
	p := newPicker(title, items)
	drawn := 0
	draw := func() {
		var b strings.Builder
		if drawn > 1 {
			fmt.Fprintf(&b, "\x1b[%dA", drawn-1)
		}
		b.WriteString("\r\x1b[J")
		lines := p.view(10)
		b.WriteString(strings.Join(lines, "\r\n"))
		drawn = len(lines)
		io.WriteString(tty, b.String())
	}
	clear := func() {
		if drawn > 1 {
			fmt.Fprintf(tty, "\x1b[%dA", drawn-1)
		}
		io.WriteString(tty, "\r\x1b[J")
	}
	draw()
	buf := make([]byte, 64)
	for {
		n, err := tty.Read(buf)
		if err != nil {
			clear()
			return "", fmt.Errorf("reading from the terminal: %w", err)
		}
		for _, k := range parseKeys(buf[:n]) {
			if done, chosen, err := p.key(k); done {
				clear()
				return chosen, err
			}
		}
		draw()
	}
}

// key is one key press: a rune, or one of the named keys.
type key struct {
	r    rune
	name string // "up", "down", "enter", "esc", "backspace", "ctrl-c", "ctrl-d", "ctrl-u"
}

// parseKeys reads the key presses in b. Unknown escape sequences are
// dropped.
func parseKeys(b []byte) []key {
	var out []key
	for len(b) > 0 {
		switch c := b[0]; {
		case c == 0x1b && len(b) >= 3 && (b[1] == '[' || b[1] == 'O'):
			switch b[2] {
			case 'A':
				out = append(out, key{name: "up"})
			case 'B':
				out = append(out, key{name: "down"})
			}
			// Skip the rest of a longer sequence (e.g. ESC [ 1 ; 5 A).
			i := 2
			for i < len(b) && (b[i] < 0x40 || b[i] > 0x7e) {
				i++
			}
			b = b[min(i+1, len(b)):]
			continue
		case c == 0x1b:
			out = append(out, key{name: "esc"})
		case c == '\r' || c == '\n':
			out = append(out, key{name: "enter"})
		case c == 0x7f || c == 0x08:
			out = append(out, key{name: "backspace"})
		case c == 0x03:
			out = append(out, key{name: "ctrl-c"})
		case c == 0x04:
			out = append(out, key{name: "ctrl-d"})
		case c == 0x15:
			out = append(out, key{name: "ctrl-u"})
		case c == 0x10:
			out = append(out, key{name: "up"})
		case c == 0x0e:
			out = append(out, key{name: "down"})
		case c >= 0x20:
			r, size := utf8.DecodeRune(b)
			if r != utf8.RuneError {
				out = append(out, key{r: r})
			}
			b = b[size:]
			continue
		}
		b = b[1:]
	}
	return out
}

// picker is the picker's state, apart from the terminal.
type picker struct {
	title   string
	items   []string
	filter  []rune
	matches []string
	sel     int
	top     int // first match shown
}

func newPicker(title string, items []string) *picker {
	p := &picker{title: title, items: items}
	p.refilter()
	return p
}

func (p *picker) refilter() {
	f := strings.ToLower(string(p.filter))
	var prefix, inner []string
	for _, it := range p.items {
		l := strings.ToLower(it)
		switch {
		case strings.HasPrefix(l, f):
			prefix = append(prefix, it)
		case strings.Contains(l, f):
			inner = append(inner, it)
		}
	}
	p.matches = append(prefix, inner...)
	p.sel, p.top = 0, 0
}

// key applies one key press; done reports the end, with the item picked
// or an error.
func (p *picker) key(k key) (done bool, chosen string, err error) {
	switch k.name {
	case "":
		if unicode.IsPrint(k.r) {
			p.filter = append(p.filter, k.r)
			p.refilter()
		}
	case "backspace":
		if len(p.filter) > 0 {
			p.filter = p.filter[:len(p.filter)-1]
			p.refilter()
		}
	case "ctrl-u":
		p.filter = nil
		p.refilter()
	case "up":
		if p.sel > 0 {
			p.sel--
		}
	case "down":
		if p.sel < len(p.matches)-1 {
			p.sel++
		}
	case "enter":
		if len(p.matches) > 0 {
			return true, p.matches[p.sel], nil
		}
	case "esc", "ctrl-c":
		return true, "", ErrPickCancelled
	case "ctrl-d":
		if len(p.filter) == 0 {
			return true, "", ErrPickCancelled
		}
	}
	return false, "", nil
}

// view is what the picker shows: a title line with the filter, then up to
// height matches, the selected one marked.
func (p *picker) view(height int) []string {
	if p.sel < p.top {
		p.top = p.sel
	}
	if p.sel >= p.top+height {
		p.top = p.sel - height + 1
	}
	count := fmt.Sprintf("%d of %d", len(p.matches), len(p.items))
	lines := []string{fmt.Sprintf("%s (%s; type to filter, Enter picks, Esc cancels): %s", p.title, count, string(p.filter))}
	end := min(p.top+height, len(p.matches))
	for i, m := range p.matches[p.top:end] {
		mark := "  "
		if p.top+i == p.sel {
			mark = "> "
		}
		lines = append(lines, mark+strings.Map(printable, m))
	}
	if len(p.matches) == 0 {
		lines = append(lines, "  (no profile matches)")
	}
	return slices.Clip(lines)
}

// printable keeps a name from moving the cursor or changing colours.
func printable(r rune) rune {
	if unicode.IsPrint(r) {
		return r
	}
	return '?'
}
