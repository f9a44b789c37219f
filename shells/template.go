package shells

import (
	"strings"
	"text/template"
)

// RenderTemplate renders one of a shell's script files. Every value
// interpolated into a script goes through quote, the binary's own path
// included (paths with spaces or quotes exist).
func RenderTemplate(name, text string, quote func(string) (string, error), data any) (string, error) {
	t, err := template.New(name).Funcs(template.FuncMap{"quote": quote}).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}
