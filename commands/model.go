package commands

import (
	"io"
	"reflect"
	"strings"
	"sync"

	"github.com/alecthomas/kong"

	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/prompt"
	"github.com/aws-vault/aws-vault/shells/registry"
)

// Building kong's model of every command costs a few milliseconds at each
// start (reflection over every flag, and interpolation of every help text),
// which a prompt hook or a credential_process caller pays thousands of times
// a day. So a command line that plainly names one command is parsed against
// a model of the global flags and that command alone, built from the same
// CLI struct fields; anything less plain gets the whole model.
//
// One difference to keep in mind: kong runs the hooks of every flag with a
// default or an environment value in the model, so in the whole model those
// of all commands. No flag type here has such a hook (see
// TestPartialModelAnswersLikeWholeModel); a flag type that gets one must not
// depend on running for other commands than the one parsed.
const (
	allCommands = ""  // the whole model
	noCommand   = "-" // the global flags only (e.g. a lone --version)
)

// newParser builds the kong parser for the commands only selects.
func newParser(cli *CLI, only string, app *App, stdout, stderr io.Writer, exitCode *int) (*kong.Kong, error) {
	options := []kong.Option{
		kong.Name("aws-vault"),
		kong.Description("A vault for securely storing and accessing AWS credentials in development environments."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { *exitCode = code; panic(exitSignal{}) }),
		kong.UsageOnError(),
		kong.ConfigureHelp(helpOptions),
		kong.ValueFormatter(helpText),
		kong.Bind(app),
	}
	var grammar any = cli
	if only != allCommands {
		grammar = &cli.Globals
	}
	if only != allCommands && only != noCommand {
		v := reflect.ValueOf(cli).Elem()
		for _, c := range cliCommands() {
			if c.name == only {
				options = append(options, kong.DynamicCommand(c.name, c.help, "", v.FieldByIndex(c.index).Addr().Interface(), c.tags))
			}
		}
	}
	k, err := kong.New(grammar, options...)
	if err != nil {
		return nil, err
	}
	fillHelp(k.Model.Node)
	return k, nil
}

// helpTable is the help of one struct's flags and arguments, by their
// names; the struct's flagHelp method lists its tables (its own, then
// those of the structs it embeds). Help is kept out of the struct tags
// because kong parses every tag, rune by rune, and interpolates every help
// text at each start, though help is printed rarely: with help in the tags,
// building exec's model (BenchmarkExecModel) took 222 kB in 2,628
// allocations, and 3.1 ms of a cold `exec --json` that finds its session
// cached (the longest step after Go's start-up); without, 156 kB in 1,991
// allocations, 41 page faults fewer and 0.5 ms less. TestEveryValueHasHelp
// keeps the tables and the structs in step. A help text is plain: kong
// does not interpolate it.
type helpTable map[string]string

// fillHelp gives every flag and argument of n and its commands the help
// its struct's tables have for it.
func fillHelp(n *kong.Node) {
	var tables []helpTable
	if t := n.Target; t.IsValid() {
		if t.Kind() != reflect.Pointer && t.CanAddr() {
			t = t.Addr()
		}
		if p, ok := t.Interface().(interface{ flagHelp() []helpTable }); ok {
			tables = p.flagHelp()
		}
	}
	set := func(v *kong.Value) {
		if v == nil || v.Help != "" {
			return
		}
		for _, t := range tables {
			if h, ok := t[v.Name]; ok {
				h = withLists(v, h)
				v.Help, v.OrigHelp = h, h
				return
			}
		}
	}
	for _, f := range n.Flags {
		set(f.Value)
	}
	for _, p := range n.Positional {
		set(p)
	}
	set(n.Argument)
	for _, c := range n.Children {
		fillHelp(c)
	}
}

// helpText is kong's help text of a flag or argument, with valueHelp's
// sentence.
func helpText(v *kong.Value) string {
	withLists := *v
	withLists.Help = valueHelp(v)
	return kong.DefaultHelpValueFormatter(&withLists)
}

// withLists adds to a help sentence the lists that are the same wherever
// aws-vault runs: the backends built into this binary (--backend) and the
// shells (predictor "shell"). They are part of the model's help, for
// completion descriptions and the man page; no list is a kong variable,
// because kong interpolates every variable for every flag of every model
// it builds: with the two lists as variables, exec's model took 263 kB and
// 2,872 allocations to build, without them 222 kB and 2,628
// (BenchmarkExecModel).
func withLists(v *kong.Value, h string) string {
	switch {
	case v.Name == "backend":
		return strings.TrimSuffix(h, ".") + " [" + strings.Join(keyring.Available(), ", ") + "]."
	case v.Tag.Get("predictor") == "shell":
		return strings.TrimSuffix(h, ".") + ": " + registry.List() + "."
	}
	return h
}

// valueHelp is the help sentence --help prints for a flag or argument:
// the model's, except that --backend marks the backends usable here and
// --prompt lists the drivers that work here. Finding them probes files,
// PATH and the session bus, which only printing help pays for; the man
// page, written when a release is built, keeps the model's sentence, which
// does not depend on the machine that built it.
func valueHelp(v *kong.Value) string {
	switch {
	case v.Name == "backend":
		return backendHelp()
	case v.Tag.Get("predictor") == "prompt":
		return strings.TrimSuffix(v.Help, ".") + " [" + strings.Join(prompt.Available(), ", ") + "]."
	}
	return v.Help
}

// cliCommand is one command field of CLI.
type cliCommand struct {
	name    string
	aliases []string
	help    string
	tags    string // the field's whole tag, for kong to read hidden:"" and the like
	index   []int
}

// cliCommands lists CLI's command fields in order. A start asks twice
// (commandWord, then newParser), so the list is made once.
var cliCommands = sync.OnceValue(func() []cliCommand {
	t := reflect.TypeFor[CLI]()
	var out []cliCommand
	for i := range t.NumField() {
		f := t.Field(i)
		if _, ok := f.Tag.Lookup("cmd"); !ok {
			continue
		}
		name := f.Tag.Get("name")
		if name == "" {
			name = strings.ToLower(f.Name) // kong's rule, for one-word names
		}
		var aliases []string
		if a := f.Tag.Get("aliases"); a != "" {
			aliases = strings.Split(a, ",")
		}
		out = append(out, cliCommand{name: name, aliases: aliases, help: f.Tag.Get("help"), tags: string(f.Tag), index: f.Index})
	}
	return out
})

// globalFlag is one of Globals' flags, as a command line spells it.
type globalFlag struct {
	name      string
	takesArgs bool
}

// globalFlags lists Globals' flags.
func globalFlags() []globalFlag {
	t := reflect.TypeFor[Globals]()
	out := make([]globalFlag, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("name")
		if name == "" {
			name = dashed(f.Name)
		}
		out = append(out, globalFlag{name: name, takesArgs: f.Type.Kind() != reflect.Bool})
	}
	return out
}

// dashed turns a Go field name into a flag name: PassDir → pass-dir.
func dashed(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// commandWord names the one command args run, or allCommands when that is
// not plain from global flags and a command name (help, an unknown word or
// flag, "--", or one of compatFlags anywhere before a "--"), or noCommand
// for global flags alone with --version.
func commandWord(args []string) string {
	if namesCompatFlag(args) {
		return allCommands
	}
	flags := globalFlags()
	version := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			for _, c := range cliCommands() {
				if c.name == "help" {
					continue // it shows the others: the whole model
				}
				if a == c.name || contains(c.aliases, a) {
					return c.name
				}
			}
			return allCommands
		}
		if a == "-v" {
			version = true
			continue
		}
		name, _, withValue := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if !strings.HasPrefix(a, "--") || a == "--" {
			return allCommands // -h, a short flag or "--"
		}
		known := false
		for _, f := range flags {
			if f.name != name {
				continue
			}
			known = true
			if f.takesArgs && !withValue {
				i++ // its value
			}
		}
		if !known {
			return allCommands // --help, or a mistake kong should explain
		}
		version = version || name == "version"
	}
	if version {
		return noCommand
	}
	return allCommands
}

// namesCompatFlag reports whether args give one of compatFlags before a
// "--". Those flags are in the whole model only, and a partial model does
// not always refuse them: after `exec PROFILE` its passthrough argument
// would take one for the command to run.
func namesCompatFlag(args []string) bool {
	names := compatFlagNames()
	for _, a := range args {
		if a == "--" {
			return false
		}
		if name, _, _ := strings.Cut(a, "="); strings.HasPrefix(name, "--") && names[name[2:]] {
			return true
		}
	}
	return false
}

var compatFlagNames = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	for f := range reflect.TypeFor[compatFlags]().Fields() {
		names[f.Tag.Get("name")] = true
	}
	return names
})
