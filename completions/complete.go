package completions

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/posener/complete/v2"
)

// Candidate is one completion.
type Candidate struct {
	Value       string
	Description string // shown by zsh, fish and PowerShell; may be ""
}

// Result is the answer for the word at the cursor.
type Result struct {
	Rule Rule
	// Candidates (RuleValues) match the word typed so far, sorted.
	Candidates []Candidate
	// Word is the word at the cursor as typed, up to the cursor; Quote is
	// the quote character left open in it, if any.
	Word  string
	Quote byte
	// For RuleCommand: the index of the wrapped command's first word
	// (0 is the program) and its byte offset in the line.
	CommandWord, CommandOffset int

	fallback complete.Predictor // RuleDirs and RuleFiles, for plain answers
	prefix   string             // the word's value, for the fallback
}

// Complete completes the word at byte offset point of line, a command line
// whose first word is the program, by kong's grammar: flags of the command
// and its ancestors anywhere before "--", --name=value and -abc forms,
// positional arguments by position, and passthrough arguments.
func (c *Command) Complete(line string, point int) Result {
	if point < 0 || point > len(line) {
		point = len(line)
	}
	words := splitLine(line[:point])
	w := &walker{ctx: c.context()}
	for i := 1; i < len(words)-1; i++ {
		w.step(i, words[i].Value)
	}
	cur := words[len(words)-1]
	r := w.finish(len(words)-1, cur.Value)
	r.Word, r.Quote = cur.Raw, cur.Quote
	if r.Rule == RuleCommand {
		if r.CommandWord < len(words) {
			r.CommandOffset = words[r.CommandWord].Start
		} else {
			r.CommandOffset = len(line[:point])
		}
	}
	return r
}

type walker struct {
	ctx     *Context
	pos     int   // index of the next positional argument of ctx.Command
	pending *Flag // a flag whose value is the next word
	noFlags bool  // after "--": every word is positional
	lost    bool  // a word kong would reject: nothing sensible follows
	wrap    int   // index of a passthrough argument's first word, or 0
}

func (w *walker) cmd() *Command { return w.ctx.Command }

// step takes the completed word i, of value v.
func (w *walker) step(i int, v string) {
	switch {
	case w.lost:
		return
	case w.pending != nil:
		w.ctx.values[w.pending] = v
		w.pending = nil
		return
	case w.wrap > 0:
		return
	case !w.noFlags && v == "--":
		w.noFlags = true
		if a := w.cmd().arg(w.pos); a != nil && a.Passthrough {
			w.wrap = i + 1
		}
		return
	case !w.noFlags && len(v) > 1 && v[0] == '-':
		if w.flag(v) {
			return
		}
		// kong hands a flag it does not know to a passthrough argument;
		// any other unknown flag is an error that completion skips.
		if a := w.cmd().arg(w.pos); a != nil && a.Passthrough {
			w.wrap = i
		}
		return
	}
	if a := w.cmd().arg(w.pos); a != nil {
		if a.Passthrough {
			w.wrap = i
			return
		}
		w.ctx.Args = append(w.ctx.Args, v)
		if !a.Cumulative {
			w.pos++
		}
		return
	}
	next := w.cmd().sub(v)
	if next == nil {
		next = w.cmd().branch()
	}
	if next == nil {
		w.lost = true
		return
	}
	w.ctx.Command, w.ctx.Args, w.pos = next, nil, 0
	if next.Branch != nil {
		w.ctx.Args = []string{v}
	}
}

// flag takes a word that looks like a flag, and reports whether it is one.
func (w *walker) flag(v string) bool {
	if strings.HasPrefix(v, "--") {
		name, value, hasValue := strings.Cut(v[2:], "=")
		f, negated := w.cmd().lookupLong(name)
		switch {
		case f == nil:
			return false
		case negated:
			w.ctx.values[f] = "false"
		case hasValue:
			w.ctx.values[f] = value
		case f.Bool:
			w.ctx.values[f] = "true"
		default:
			w.pending = f
		}
		return true
	}
	// -abc: bool flags a and b, then c; a flag that takes a value takes
	// the rest of the word, or the next word.
	rest := v[1:]
	for rest != "" {
		r, size := utf8.DecodeRuneInString(rest)
		rest = rest[size:]
		f := w.cmd().lookupShort(r)
		if f == nil {
			return false
		}
		if f.Bool {
			w.ctx.values[f] = "true"
			continue
		}
		if rest != "" {
			w.ctx.values[f] = rest
		} else {
			w.pending = f
		}
		break
	}
	return true
}

// finish completes word i, of value v so far.
func (w *walker) finish(i int, v string) Result {
	r := Result{prefix: v}
	switch {
	case w.lost:
	case w.pending != nil:
		r.predict(w.ctx, w.pending.predictor, "", v)
	case w.wrap > 0:
		r.Rule, r.CommandWord = RuleCommand, w.wrap
	case !w.noFlags && strings.HasPrefix(v, "--") && strings.Contains(v, "="):
		name, value, _ := strings.Cut(v[2:], "=")
		if f, negated := w.cmd().lookupLong(name); f != nil && !negated && !f.Bool {
			r.prefix = value
			r.predict(w.ctx, f.predictor, "--"+name+"=", value)
		}
	case !w.noFlags && strings.HasPrefix(v, "-"):
		r.Candidates = flagCandidates(w.cmd(), v, true)
	default:
		a := w.cmd().arg(w.pos)
		switch {
		case a != nil && a.Passthrough:
			r.Rule, r.CommandWord = RuleCommand, i
		case a != nil:
			r.predict(w.ctx, a.predictor, "", v)
		default:
			r.Candidates = commandCandidates(w.cmd(), v)
			if b := w.cmd().branch(); b != nil {
				var more Result
				more.predict(w.ctx, b.Branch.predictor, "", v)
				r.Candidates = merge(r.Candidates, more.Candidates)
			}
			if len(w.cmd().Subs) == 0 && v == "" {
				// Nothing else can come: offer the command's own flags.
				r.Candidates = flagCandidates(w.cmd(), "", false)
			}
		}
	}
	return r
}

// predict asks p for values of the word typed so far, value; each
// candidate is prefixed with before (for --name=value).
func (r *Result) predict(ctx *Context, p PredictorFunc, before, value string) {
	if p == nil {
		return
	}
	pr := p(ctx)
	if pr == nil {
		return
	}
	if s, ok := pr.(shellRule); ok {
		r.Rule, r.fallback = s.rule, s.fallback
		return
	}
	var out []Candidate
	for _, o := range pr.Predict(value) {
		if strings.HasPrefix(o, value) {
			out = append(out, Candidate{Value: before + o})
		}
	}
	r.Candidates = merge(nil, out)
}

// flagCandidates lists the visible flags of c (and, with inherited, of its
// ancestors) whose "--long" or "-s" form starts with prefix.
func flagCandidates(c *Command, prefix string, inherited bool) []Candidate {
	var out []Candidate
	add := func(name, help string) {
		if strings.HasPrefix(name, prefix) {
			out = append(out, Candidate{Value: name, Description: summary(help)})
		}
	}
	for cmd := c; cmd != nil; cmd = cmd.Parent {
		for _, f := range cmd.Flags {
			if f.Hidden {
				continue
			}
			add("--"+f.Name, f.Help)
			if f.Negation != "" {
				add("--"+f.Negation, f.Help)
			}
			if f.Short != 0 {
				add("-"+string(f.Short), f.Help)
			}
		}
		if !inherited {
			break
		}
	}
	return merge(nil, out)
}

// commandCandidates lists c's visible subcommands that start with prefix;
// an alias is offered only when its command's name does not match.
func commandCandidates(c *Command, prefix string) []Candidate {
	var out []Candidate
	for _, s := range c.Subs {
		if s.Hidden || s.Branch != nil {
			continue
		}
		if strings.HasPrefix(s.Name, prefix) {
			out = append(out, Candidate{Value: s.Name, Description: summary(s.Help)})
			continue
		}
		for _, a := range s.Aliases {
			if strings.HasPrefix(a, prefix) {
				out = append(out, Candidate{Value: a, Description: summary(s.Help)})
			}
		}
	}
	return merge(nil, out)
}

// merge appends more to cs, sorted by value without duplicates (the first
// description wins).
func merge(cs, more []Candidate) []Candidate {
	cs = append(cs, more...)
	slices.SortStableFunc(cs, func(a, b Candidate) int { return strings.Compare(a.Value, b.Value) })
	return slices.CompactFunc(cs, func(a, b Candidate) bool { return a.Value == b.Value })
}
