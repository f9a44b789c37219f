package shells

import (
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

// HookScript renders a shell's hook file. The hook and prompt files are
// parsed as one set, so the hook can use what the prompt file defines
// ({{template "segment" .}}), and the rendered prompt file is there too, as
// {{.Prompt}}.
func HookScript(hookName, hookText, promptName, promptText string, quote func(string) (string, error), o HookOptions) (string, error) {
	p, err := RenderTemplate(promptName, promptText, quote, o)
	if err != nil {
		return "", err
	}
	t, err := template.New(promptName).Funcs(template.FuncMap{"quote": quote, "join": strings.Join}).Option("missingkey=error").Parse(promptText)
	if err != nil {
		return "", err
	}
	if t, err = t.New(hookName).Parse(hookText); err != nil {
		return "", err
	}
	var b strings.Builder
	err = t.Execute(&b, struct {
		HookOptions
		Prompt string
	}{o, p})
	return b.String(), err
}
