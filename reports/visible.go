package reports

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// visible makes a string from DNS safe to read on screen: C0 control
// characters become their Unicode control pictures (U+0007 shows as ␇),
// DEL shows as ␡, C1 controls and the characters that reorder text
// (bidirectional overrides and isolates, which can make a hostile name
// read as another) show as <U+XXXX>, and invalid UTF-8 as U+FFFD. Other
// text is unchanged; HTML escaping is left to html/template.
func visible(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || needsPicture(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError:
			b.WriteRune('\uFFFD')
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('\u2421')
		case needsPicture(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsPicture(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
