package commands

import (
	"fmt"
	"strings"

	"github.com/alecthomas/kong"
)

// helpOptions are how every help text is laid out.
var helpOptions = kong.HelpOptions{Compact: true}

// HelpCmd is the original's `help [COMMAND...]`.
type HelpCmd struct {
	Command []string `arg:"" optional:""`
}

// helpCmdHelp is the help of HelpCmd's flags and arguments (see helpTable).
var helpCmdHelp = helpTable{
	"command": "The command to show help for.",
}

func (*HelpCmd) flagHelp() []helpTable { return []helpTable{helpCmdHelp} }

// Run prints the help of the command named, or of aws-vault.
func (h *HelpCmd) Run(kctx *kong.Context) error {
	ctx, err := kong.Trace(kctx.Kong, h.Command)
	if err != nil {
		return err
	}
	if ctx.Error != nil {
		return fmt.Errorf("help: %w", ctx.Error)
	}
	return kong.DefaultHelpPrinter(printOptions(), ctx)
}

// printOptions are helpOptions as kong's own --help completes them.
func printOptions() kong.HelpOptions {
	o := helpOptions
	o.ValueFormatter = helpText
	return o
}

// helpLong is --help-long: the help of aws-vault and then of every command.
type helpLong bool

// BeforeReset prints it all and exits.
func (helpLong) BeforeReset(k *kong.Kong) error {
	if err := printHelp(k, nil); err != nil {
		return err
	}
	for _, n := range k.Model.Children {
		if n.Hidden {
			continue
		}
		fmt.Fprintln(k.Stdout)
		if err := printHelp(k, []string{n.Name}); err != nil {
			return err
		}
	}
	k.Exit(0)
	return nil
}

func printHelp(k *kong.Kong, args []string) error {
	ctx, err := kong.Trace(k, args)
	if err != nil {
		return err
	}
	return kong.DefaultHelpPrinter(printOptions(), ctx)
}

// helpMan is --help-man: a man page, in roff, written from the command
// model, so it lists exactly the commands and flags there are.
type helpMan bool

// BeforeReset prints the page and exits.
func (helpMan) BeforeReset(k *kong.Kong) error {
	fmt.Fprint(k.Stdout, manPage(k.Model))
	k.Exit(0)
	return nil
}

// manPage writes the model as a man page (man(7) macros).
func manPage(app *kong.Application) string {
	var b strings.Builder
	name := app.Name
	fmt.Fprintf(&b, ".TH %s 1 \"\" \"%s %s\" \"User Commands\"\n", roffUpper(name), roff(name), roff(versionLine(readBuildInfo)))
	b.WriteString(".SH NAME\n")
	fmt.Fprintf(&b, "%s \\- %s\n", roff(name), roff(strings.TrimSuffix(app.Help, ".")))
	b.WriteString(".SH SYNOPSIS\n")
	fmt.Fprintf(&b, ".B %s\n[\\fIFLAGS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n", roff(name))
	b.WriteString(".SH DESCRIPTION\n")
	fmt.Fprintf(&b, "%s\n", roff(app.Help))
	b.WriteString(".SH OPTIONS\n")
	manFlags(&b, app.Flags)
	b.WriteString(".SH COMMANDS\n")
	for _, n := range app.Children {
		if n.Hidden {
			continue
		}
		fmt.Fprintf(&b, ".SS \"%s\"\n", roff(strings.TrimSpace(name+" "+n.Summary())))
		fmt.Fprintf(&b, "%s\n", roff(n.Help))
		if n.Detail != "" {
			fmt.Fprintf(&b, ".PP\n%s\n", roff(n.Detail))
		}
		if len(n.Aliases) > 0 {
			fmt.Fprintf(&b, ".PP\nAlso: %s.\n", roff(strings.Join(n.Aliases, ", ")))
		}
		for _, p := range n.Positional {
			fmt.Fprintf(&b, ".TP\n\\fI%s\\fR\n%s\n", roff(p.Summary()), roff(p.Help))
		}
		manFlags(&b, n.Flags)
	}
	var envs []string
	kong.Visit(app, func(node kong.Visitable, next kong.Next) error {
		if f, ok := node.(*kong.Flag); ok && !f.Hidden {
			for _, e := range f.Envs {
				envs = append(envs, fmt.Sprintf(".TP\n.B %s\nas \\fB--%s\\fR\n", roff(e), roff(f.Name)))
			}
		}
		return next(nil)
	})
	if len(envs) > 0 {
		b.WriteString(".SH ENVIRONMENT\n")
		seen := map[string]bool{}
		for _, e := range envs {
			if !seen[e] {
				seen[e] = true
				b.WriteString(e)
			}
		}
		b.WriteString(".PP\nUSAGE.md lists every variable aws-vault reads.\n")
	}
	b.WriteString(".SH SEE ALSO\n.BR aws (1)\n")
	return b.String()
}

func manFlags(b *strings.Builder, flags []*kong.Flag) {
	for _, f := range flags {
		if f.Hidden {
			continue
		}
		spec := "--" + f.Name
		if f.Negated || f.Tag.Negatable != "" {
			spec = "--[no-]" + f.Name
		}
		if f.Short != 0 {
			spec = fmt.Sprintf("-%c, %s", f.Short, spec)
		}
		if !f.IsBool() {
			spec += "=" + f.FormatPlaceHolder()
		}
		fmt.Fprintf(b, ".TP\n\\fB%s\\fR\n%s\n", roff(spec), roff(f.Help))
	}
}

// roff escapes text for a man page: backslashes, and a leading dot or
// quote that roff would read as a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

func roffUpper(s string) string { return strings.ToUpper(roff(s)) }
