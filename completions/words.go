package completions

// word is one shell word of the command line up to the cursor.
type word struct {
	Value string // with quotes and backslashes removed
	Raw   string // as typed
	Start int    // byte offset of Raw in the line
	Quote byte   // the quote still open at the cursor (last word only), or 0
}

// splitLine splits line, the text before the cursor, into words as a POSIX
// shell does for a simple command: blanks separate words, and single quotes,
// double quotes and backslashes quote. The last word is the one being
// completed; it is empty (and starts at len(line)) when the line ends in a
// blank. The result always has at least one word.
func splitLine(line string) []word {
	var words []word
	var cur []byte
	start, inWord := 0, false
	var quote byte // ' or " while inside quotes
	for i := 0; i < len(line); i++ {
		c := line[i]
		if !inWord {
			if quote == 0 && (c == ' ' || c == '\t' || c == '\n') {
				continue
			}
			inWord, start, cur = true, i, cur[:0]
		}
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				cur = append(cur, c)
			}
		case quote == '"':
			switch {
			case c == '"':
				quote = 0
			case c == '\\' && i+1 < len(line) && isDoubleQuoteEscapable(line[i+1]):
				i++
				cur = append(cur, line[i])
			default:
				cur = append(cur, c)
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '\\':
			if i+1 < len(line) {
				i++
				if line[i] != '\n' { // backslash-newline joins lines
					cur = append(cur, line[i])
				}
			}
		case c == ' ' || c == '\t' || c == '\n':
			words = append(words, word{Value: string(cur), Raw: line[start:i], Start: start})
			inWord = false
		default:
			cur = append(cur, c)
		}
	}
	if inWord {
		words = append(words, word{Value: string(cur), Raw: line[start:], Start: start, Quote: quote})
	} else {
		words = append(words, word{Start: len(line)})
	}
	return words
}

func isDoubleQuoteEscapable(c byte) bool {
	return c == '"' || c == '\\' || c == '$' || c == '`' || c == '\n'
}
