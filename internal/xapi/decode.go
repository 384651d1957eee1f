package xapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// parseJSON decodes one JSON value into the tree encoding/json gives for
// an interface{} with UseNumber: map[string]any (the last of duplicate
// keys wins), []any, string (invalid UTF-8 and lone surrogates become
// U+FFFD), json.Number, bool, nil. It accepts and refuses exactly what
// encoding/json does, and is several times faster: decoding was the
// largest single cost of ingesting a statement. Trailing data after the
// value is refused.
func parseJSON(b []byte) (any, error) {
	p := jsonParser{data: b}
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, &ValidationError{Rule: "the body must hold exactly one JSON value"}
	}
	return v, nil
}

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

type jsonParser struct {
	data  []byte
	pos   int
	depth int
}

func (p *jsonParser) syntax(msg string) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", p.pos, msg)
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.syntax("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.string()
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, p.syntax("unexpected character")
}

func (p *jsonParser) literal(s string) error {
	if len(p.data)-p.pos < len(s) || string(p.data[p.pos:p.pos+len(s)]) != s {
		return p.syntax("invalid literal")
	}
	p.pos += len(s)
	return nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.syntax("exceeded max depth")
	}
	p.pos++
	p.skipSpace()
	return nil
}

func (p *jsonParser) object() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	m := map[string]any{}
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return m, nil
	}
	for {
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.syntax("expected a property name")
		}
		k, err := p.string()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.syntax("expected ':'")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m[k] = v
		done, err := p.afterElement('}')
		if err != nil {
			return nil, err
		}
		if done {
			return m, nil
		}
	}
}

// afterElement reads what follows a member or an element: a comma, or the
// closing bracket, which ends the container (done).
func (p *jsonParser) afterElement(closing byte) (done bool, err error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return false, p.syntax("unexpected end of input")
	}
	switch p.data[p.pos] {
	case ',':
		p.pos++
		p.skipSpace()
		return false, nil
	case closing:
		p.pos++
		p.depth--
		return true, nil
	}
	return false, p.syntax("expected ',' or '" + string(closing) + "'")
}

func (p *jsonParser) array() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	a := []any{}
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return a, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		done, err := p.afterElement(']')
		if err != nil {
			return nil, err
		}
		if done {
			return a, nil
		}
	}
}

func (p *jsonParser) number() (any, error) {
	start := p.pos
	d := p.data
	i := p.pos
	if d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		p.pos = i
		return nil, p.syntax("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			p.pos = i
			return nil, p.syntax("invalid number")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return nil, p.syntax("invalid number")
		}
	}
	p.pos = i
	return json.Number(d[start:i]), nil
}

// string reads a string at p.pos (its opening quote).
func (p *jsonParser) string() (string, error) {
	d := p.data
	start := p.pos + 1
	// Fast path: plain ASCII without escapes.
	for i := start; i < len(d); i++ {
		c := d[i]
		if c == '"' {
			p.pos = i + 1
			return string(d[start:i]), nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	buf := make([]byte, 0, 64)
	i := start
	for {
		if i >= len(d) {
			p.pos = i
			return "", p.syntax("unexpected end of string")
		}
		c := d[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return string(buf), nil
		case c < 0x20:
			p.pos = i
			return "", p.syntax("control character in string")
		case c == '\\':
			i++
			if i >= len(d) {
				p.pos = i
				return "", p.syntax("unexpected end of string")
			}
			switch e := d[i]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
				i++
			case 'b':
				buf = append(buf, '\b')
				i++
			case 'f':
				buf = append(buf, '\f')
				i++
			case 'n':
				buf = append(buf, '\n')
				i++
			case 'r':
				buf = append(buf, '\r')
				i++
			case 't':
				buf = append(buf, '\t')
				i++
			case 'u':
				r, ok := hex4(d, i+1)
				if !ok {
					p.pos = i
					return "", p.syntax("invalid \\u escape")
				}
				i += 5
				if utf16.IsSurrogate(r) {
					// A pair makes one rune; anything else is U+FFFD, as
					// encoding/json does.
					r2 := rune(-1)
					if i+1 < len(d) && d[i] == '\\' && d[i+1] == 'u' {
						if x, ok := hex4(d, i+2); ok {
							r2 = x
						}
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						i += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
			default:
				p.pos = i
				return "", p.syntax("invalid escape")
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, d[i:i+size]...)
			}
			i += size
		}
	}
}

func hex4(d []byte, i int) (rune, bool) {
	if len(d)-i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

var errNotTree = errors.New("not a JSON tree target")

// decodeInto stores tree into v when v is *any or a nil *map[string]any;
// errNotTree otherwise (decodeJSON then uses encoding/json).
func decodeInto(b []byte, v any) error {
	switch t := v.(type) {
	case *any:
		x, err := parseJSON(b)
		if err != nil {
			return err
		}
		*t = x
		return nil
	case *map[string]any:
		if *t != nil {
			return errNotTree
		}
		x, err := parseJSON(b)
		if err != nil {
			return err
		}
		switch m := x.(type) {
		case map[string]any:
			*t = m
		case nil:
		default:
			return fmt.Errorf("json: cannot unmarshal %s into a JSON object", jsonKind(x))
		}
		return nil
	}
	return errNotTree
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return "value"
}
