// Package completions completes aws-vault command lines for bash, zsh, fish
// and PowerShell, from the kong command model itself: there is no second list
// of commands or flags that could drift from the parser.
//
// Build turns a kong.Application into a tree of Commands, Flags and Args.
// Every value (a flag's or a positional argument's) gets a
// posener/complete/v2 Predictor, chosen in this order:
//
//  1. its `predictor:"NAME"` tag, looked up in Options.Predictors (the tags
//     "dirs" and "files" are built in: the shell completes paths itself);
//  2. its own name, looked up in Options.Predictors (so a flag such as
//     --backend needs no tag);
//  3. its enum values (`enum:"a,b"`);
//  4. its kong type: path, existingfile and filecontent are files,
//     existingdir is directories.
//
// Predictors that need to know what the line says so far (which backend,
// which keyring directory) get a Context.
//
// The tree implements complete.Completer, so posener/complete/v2's own driver
// can walk it, but aws-vault answers with Command.Complete instead, which
// follows kong's grammar where complete/v2's generic one does not: global
// flags before the command, "--long" and "-s" forms, --flag=value, bool flags
// that take no value, positional arguments by position, and passthrough
// arguments (exec PROFILE -- COMMAND...), whose words are completed as a
// command line of their own by the shell.
//
// The shell scripts (Script) call the binary back with COMP_LINE set, the
// protocol of complete/v2 and of bash's `complete -C`; see Answer.
package completions

import (
	"os"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/kong"
	"github.com/posener/complete/v2"
	"github.com/posener/complete/v2/predict"
)

// PredictorFunc makes the predictor of a value for the command line at hand.
type PredictorFunc func(ctx *Context) complete.Predictor

// Options configure Build.
type Options struct {
	// Predictors maps a predictor tag, or a value's name, to its predictor.
	Predictors map[string]PredictorFunc
	// Getenv reads the environment, for flags' environment variables; nil
	// means os.Getenv.
	Getenv func(string) string
}

// Command is a command (or the application) in the tree.
type Command struct {
	Name    string
	Aliases []string
	Help    string
	Hidden  bool
	Parent  *Command
	Subs    []*Command
	Flags   []*Flag // its own; a command also takes its ancestors' flags
	Args    []*Arg  // positional arguments, in order
	// Branch is set when the node is kong's branching positional
	// argument rather than a named command: any word enters it.
	Branch *Arg

	getenv func(string) string
}

// Flag is a flag of a command.
type Flag struct {
	Name     string
	Short    rune
	Aliases  []string
	Negation string // the name of the negative form ("no-NAME"), or ""
	Help     string
	Hidden   bool
	Bool     bool // takes no value: a bool or a counter
	Envs     []string
	Default  string

	predictor PredictorFunc
}

// Arg is a positional argument of a command.
type Arg struct {
	Name        string
	Help        string
	Cumulative  bool // takes every remaining word
	Passthrough bool // its words are a command line of their own

	predictor PredictorFunc
}

// Build makes the completion tree of a kong application.
func Build(app *kong.Application, opts Options) *Command {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return buildCommand(app.Node, nil, &opts, getenv)
}

func buildCommand(n *kong.Node, parent *Command, opts *Options, getenv func(string) string) *Command {
	c := &Command{
		Name:    n.Name,
		Aliases: n.Aliases,
		Help:    n.Help,
		Hidden:  n.Hidden,
		Parent:  parent,
		getenv:  getenv,
	}
	for _, f := range n.Flags {
		c.Flags = append(c.Flags, buildFlag(f, opts))
	}
	for _, p := range n.Positional {
		c.Args = append(c.Args, &Arg{
			Name:        p.Name,
			Help:        p.Help,
			Cumulative:  p.IsCumulative(),
			Passthrough: p.Passthrough || p.PassthroughMode != kong.PassThroughModeNone,
			predictor:   predictorFor(p, opts),
		})
	}
	for _, child := range n.Children {
		switch child.Type {
		case kong.CommandNode:
			c.Subs = append(c.Subs, buildCommand(child, c, opts, getenv))
		case kong.ArgumentNode:
			// A branching positional argument: any word, then the
			// branch's own arguments, commands and flags.
			b := buildCommand(child, c, opts, getenv)
			b.Branch = &Arg{}
			if child.Argument != nil {
				b.Branch = &Arg{Name: child.Argument.Name, Help: child.Argument.Help, predictor: predictorFor(child.Argument, opts)}
			}
			c.Subs = append(c.Subs, b)
		}
	}
	return c
}

func buildFlag(f *kong.Flag, opts *Options) *Flag {
	out := &Flag{
		Name:    f.Name,
		Short:   f.Short,
		Aliases: f.Aliases,
		Help:    f.Help,
		Hidden:  f.Hidden,
		Bool:    f.IsBool() || f.IsCounter(),
		Envs:    f.Envs,
		Default: f.Default,
	}
	switch neg := f.Tag.Negatable; {
	case neg == "":
	case neg == "_": // kong's mark for the default "--no-NAME"
		out.Negation = "no-" + f.Name
	default:
		out.Negation = neg
	}
	if !out.Bool {
		out.predictor = predictorFor(f.Value, opts)
	}
	return out
}

// predictorFor picks a value's predictor (see the package documentation).
func predictorFor(v *kong.Value, opts *Options) PredictorFunc {
	if tag := v.Tag.Get("predictor"); tag != "" {
		if p, ok := opts.Predictors[tag]; ok {
			return p
		}
		switch tag {
		case "dirs":
			return constant(Dirs())
		case "files":
			return constant(Files())
		}
		return nil
	}
	if p, ok := opts.Predictors[v.Name]; ok {
		return p
	}
	if v.Enum != "" {
		return constant(predict.Set(v.EnumSlice()))
	}
	switch v.Tag.Type {
	case "path", "existingfile", "filecontent":
		return constant(Files())
	case "existingdir":
		return constant(Dirs())
	}
	return nil
}

func constant(p complete.Predictor) PredictorFunc {
	return func(*Context) complete.Predictor { return p }
}

// Rule says how the shell should complete the word at the cursor.
type Rule int

// The rules.
const (
	RuleValues  Rule = iota // offer the candidates
	RuleDirs                // directories, by the shell's own rules
	RuleFiles               // files and directories, by the shell's own rules
	RuleCommand             // the words from CommandWord on are a command line of their own
)

func (r Rule) String() string {
	switch r {
	case RuleDirs:
		return "dirs"
	case RuleFiles:
		return "files"
	case RuleCommand:
		return "command"
	}
	return "values"
}

// shellRule is a predictor that leaves paths to the shell; Predict is the
// fallback for callers that cannot ask the shell (plain `complete -C`).
type shellRule struct {
	rule     Rule
	fallback complete.Predictor
}

func (s shellRule) Predict(prefix string) []string { return s.fallback.Predict(prefix) }

// Dirs predicts directories: the shell completes them by its own rules
// (posener/complete/v2's predict.Dirs where it cannot).
func Dirs() complete.Predictor { return shellRule{RuleDirs, predict.Dirs("")} }

// Files predicts files and directories, like Dirs.
func Files() complete.Predictor { return shellRule{RuleFiles, predict.Files("")} }

// Context is what a predictor knows of the command line.
type Context struct {
	// Command is the command whose word is being completed.
	Command *Command
	// Args are the positional words given to Command so far.
	Args []string

	values map[*Flag]string
}

// Getenv reads the environment the tree was built with.
func (c *Context) Getenv(key string) string { return c.Command.getenv(key) }

// Flag returns the value of the flag with the long name name (of Command or
// an ancestor): as given on the line so far, else from its environment
// variable, else its default. A negated bool flag reads "false".
func (c *Context) Flag(name string) string {
	f := c.Command.findFlag(name)
	if f == nil {
		return ""
	}
	if v, ok := c.values[f]; ok {
		return v
	}
	for _, e := range f.Envs {
		if v := c.Getenv(e); v != "" {
			return v
		}
	}
	return f.Default
}

func (c *Command) findFlag(name string) *Flag {
	for cmd := c; cmd != nil; cmd = cmd.Parent {
		for _, f := range cmd.Flags {
			if f.Name == name {
				return f
			}
		}
	}
	return nil
}

// lookupLong finds the flag of c or an ancestor called --name, and whether
// name is its negation.
func (c *Command) lookupLong(name string) (f *Flag, negated bool) {
	for cmd := c; cmd != nil; cmd = cmd.Parent {
		for _, f := range cmd.Flags {
			if f.Name == name {
				return f, false
			}
			if f.Negation != "" && f.Negation == name {
				return f, true
			}
			for _, a := range f.Aliases {
				if a == name && utf8.RuneCountInString(a) > 1 {
					return f, false
				}
			}
		}
	}
	return nil, false
}

// lookupShort finds the flag of c or an ancestor called -r.
func (c *Command) lookupShort(r rune) *Flag {
	for cmd := c; cmd != nil; cmd = cmd.Parent {
		for _, f := range cmd.Flags {
			if f.Short == r {
				return f
			}
			for _, a := range f.Aliases {
				if a == string(r) {
					return f
				}
			}
		}
	}
	return nil
}

// sub finds a subcommand by name or alias (hidden ones too: they parse).
func (c *Command) sub(name string) *Command {
	for _, s := range c.Subs {
		if s.Branch == nil && s.Name == name {
			return s
		}
	}
	for _, s := range c.Subs {
		for _, a := range s.Aliases {
			if s.Branch == nil && a == name {
				return s
			}
		}
	}
	return nil
}

// branch is the first branching argument below c, or nil.
func (c *Command) branch() *Command {
	for _, s := range c.Subs {
		if s.Branch != nil {
			return s
		}
	}
	return nil
}

func (c *Command) arg(pos int) *Arg {
	if pos < len(c.Args) {
		return c.Args[pos]
	}
	return nil
}

func (c *Command) context() *Context {
	return &Context{Command: c, values: map[*Flag]string{}}
}

// The complete.Completer interface, for posener/complete/v2's driver.

// SubCmdList lists the visible subcommands and their aliases.
func (c *Command) SubCmdList() []string {
	var out []string
	for _, s := range c.Subs {
		if !s.Hidden && s.Branch == nil {
			out = append(out, s.Name)
			out = append(out, s.Aliases...)
		}
	}
	return out
}

// SubCmdGet returns the subcommand called name, or nil.
func (c *Command) SubCmdGet(name string) complete.Completer {
	if s := c.sub(name); s != nil {
		return s
	}
	return nil
}

// FlagList lists the visible flags' long names and negations, without
// dashes. Short names are left out: complete/v2 puts the dashes typed so far
// before every name, so it would offer "--j" for -j.
func (c *Command) FlagList() []string {
	var out []string
	for _, f := range c.Flags {
		if f.Hidden {
			continue
		}
		out = append(out, f.Name)
		if f.Negation != "" {
			out = append(out, f.Negation)
		}
	}
	return out
}

// FlagGet returns the predictor of a flag's value, or nil.
func (c *Command) FlagGet(name string) complete.Predictor {
	var f *Flag
	if r, size := utf8.DecodeRuneInString(name); size == len(name) {
		f = c.lookupShort(r)
	}
	if f == nil {
		f, _ = c.lookupLong(name)
	}
	if f == nil || f.predictor == nil {
		return nil
	}
	return f.predictor(c.context())
}

// ArgsGet returns the predictor of the first positional argument, or nil.
func (c *Command) ArgsGet() complete.Predictor {
	if len(c.Args) == 0 || c.Args[0].predictor == nil {
		return nil
	}
	return c.Args[0].predictor(c.context())
}

var _ complete.Completer = (*Command)(nil)

// summary is the first line of a help text, for a candidate's description.
func summary(help string) string {
	help, _, _ = strings.Cut(help, "\n")
	return strings.TrimSpace(strings.ReplaceAll(help, "\t", " "))
}
