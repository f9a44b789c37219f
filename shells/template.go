package shells

import (
	"fmt"
	"sort"
	"strings"
	"text/template"
)

// RenderTemplate renders one of a shell's script files. Every value
// interpolated into a script goes through quote, the binary's own path
// included (paths with spaces or quotes exist).
func RenderTemplate(name, text string, quote func(string) (string, error), data any) (string, error) {
	t, err := template.New(name).Funcs(template.FuncMap{"quote": quote, "join": strings.Join}).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// LocalScript renders a SetLocal for one shell: stmt makes the statement
// that sets name, global and unexported, to an already quoted value.
// Names are sorted and validated, values quoted.
func LocalScript(vars map[string]string, quote func(string) (string, error), stmt func(name, quoted string) string) (string, error) {
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		if !ValidName(n) {
			return "", fmt.Errorf("shells: invalid variable name %q", n)
		}
		q, err := quote(vars[n])
		if err != nil {
			return "", fmt.Errorf("shells: value of %s: %w", n, err)
		}
		b.WriteString(stmt(n, q))
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// HookScript renders a shell's hook file with its prompt file inside it
// (as {{.Prompt}}).
func HookScript(hookName, hookText, promptName, promptText string, quote func(string) (string, error), o HookOptions) (string, error) {
	p, err := RenderTemplate(promptName, promptText, quote, o)
	if err != nil {
		return "", err
	}
	return RenderTemplate(hookName, hookText, quote, struct {
		HookOptions
		Prompt string
	}{o, p})
}

// ActivateScript renders a shell's activate file: it saves the state of
// every variable the change touches (.Names), refuses inside an exec
// subshell (.Message, to be quoted), and then runs .Body, which is the
// shell's Export of c followed by its SetLocal of local.
func ActivateScript(name, text string, sh Shell, c Change, local map[string]string) (string, error) {
	export, err := sh.Export(c)
	if err != nil {
		return "", err
	}
	vars, err := sh.SetLocal(local)
	if err != nil {
		return "", err
	}
	return RenderTemplate(name, text, sh.Quote, struct {
		Names   []string
		Message string
		Body    string
	}{Names(c), NestedMessage, export + vars})
}
