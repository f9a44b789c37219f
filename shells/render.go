package shells

import (
	"fmt"
	"slices"
	"strings"
)

// Syntax is one shell's statements, for RenderPlan. Every function returns
// a statement without its trailing newline.
type Syntax struct {
	// Quote is the shell's Quote.
	Quote func(s string) (string, error)
	// Set sets and exports name to an already quoted value; Unset removes
	// name from the environment.
	Set   func(name, quoted string) string
	Unset func(name string) string
	// SetLocal sets a global variable that is not exported, also when run
	// inside a function; UnsetLocal removes it.
	SetLocal   func(name, quoted string) string
	UnsetLocal func(name string) string
	// Restore applies the code kept in VarRestore and removes the
	// variable, or runs fallback (rendered statements, each ending in a
	// newline) when nothing is kept.
	Restore func(fallback string) string
	// Keep sets VarRestore to quoted (code, quoted) unless it is set.
	Keep func(quoted string) string
	// Status, if not nil, returns the statement that ends the code with
	// the status asked for; shells whose last statement can leave a
	// failing status by itself need it even when ok.
	Status func(ok bool) string
	// FailOnly: Status is used only for a failing plan.
	FailOnly bool
}

// Render validates c and renders its unsets, then its sets, with syn's Set
// and Unset, one a line.
func Render(c Change, syn Syntax) (string, error) {
	set := make([]string, 0, len(c.Set))
	for name := range c.Set {
		set = append(set, name)
	}
	slices.Sort(set)
	unset := slices.Clone(c.Unset)
	slices.Sort(unset)
	unset = slices.Compact(unset)

	for _, name := range set {
		if !ValidName(name) {
			return "", fmt.Errorf("shells: invalid environment variable name %q", name)
		}
	}
	for _, name := range unset {
		if !ValidName(name) {
			return "", fmt.Errorf("shells: invalid environment variable name %q", name)
		}
		if _, ok := c.Set[name]; ok {
			return "", fmt.Errorf("shells: variable %s is both set and unset", name)
		}
	}

	var b strings.Builder
	for _, name := range unset {
		b.WriteString(syn.Unset(name))
		b.WriteByte('\n')
	}
	for _, name := range set {
		q, err := syn.Quote(c.Set[name])
		if err != nil {
			return "", fmt.Errorf("shells: value of %s: %w", name, err)
		}
		b.WriteString(syn.Set(name, q))
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// RenderPlan renders p as code, in the layout of the package documentation.
func RenderPlan(p Plan, syn Syntax) (string, error) {
	var b strings.Builder
	line := func(s string) {
		if s != "" {
			b.WriteString(s)
			b.WriteByte('\n')
		}
	}
	if p.Restore != nil {
		fallback, err := Render(*p.Restore, syn)
		if err != nil {
			return "", err
		}
		line(syn.Restore(fallback))
	}
	env, err := Render(p.Env, syn)
	if err != nil {
		return "", err
	}
	b.WriteString(env)
	if p.Save != nil {
		code, err := Render(*p.Save, syn)
		if err != nil {
			return "", err
		}
		q, err := syn.Quote(code)
		if err != nil {
			return "", fmt.Errorf("shells: the environment to restore: %w", err)
		}
		line(syn.Keep(q))
	}
	for _, name := range SortedKeys(p.Local) {
		if !ValidName(name) {
			return "", fmt.Errorf("shells: invalid variable name %q", name)
		}
		v := p.Local[name]
		if v == nil {
			line(syn.UnsetLocal(name))
			continue
		}
		q, err := syn.Quote(*v)
		if err != nil {
			return "", fmt.Errorf("shells: value of %s: %w", name, err)
		}
		line(syn.SetLocal(name, q))
	}
	if syn.Status != nil && (p.Fail || !syn.FailOnly) {
		line(syn.Status(!p.Fail))
	}
	return b.String(), nil
}

// SortedKeys returns m's keys, sorted.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Export returns sh's code that applies c and nothing else.
func Export(sh Shell, c Change) (string, error) { return sh.Apply(Plan{Env: c}) }
