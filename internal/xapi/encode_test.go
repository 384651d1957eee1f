package xapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"regexp"
	"testing"
)

// appendJSON must write exactly what encoding/json writes: stored bodies
// and the statements the LRS answers depend on it.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var values []any
	for i := 0; i < 200; i++ {
		var m any
		if err := decodeJSON(encodeJSONReflect(GenStatement(r, 50, 20)), &m); err != nil {
			t.Fatal(err)
		}
		values = append(values, m)
	}
	odd := []string{"", "a\"b\\c", "tab\tnl\nret\r", "\b\f\x00\x1f\x7f", "<&>", "\u2028\u2029", "caf\xc3", "\xff\xfe", "日本語 ✓", "\U0001F600"}
	for _, s := range odd {
		values = append(values, s, map[string]any{s: []any{s, json.Number("1.50e3"), true, false, nil}})
	}
	values = append(values, json.Number(""), []any{}, map[string]any{}, 1.5, 3)
	for _, v := range values {
		got, want := encodeJSON(v), encodeJSONReflect(v)
		if !bytes.Equal(got, want) {
			t.Fatalf("appendJSON(%#v)\n got %s\nwant %s", v, got, want)
		}
	}
}

// The hand-written checks must accept exactly what the regular expressions
// they replace accepted.
func TestHandWrittenChecksMatchRegexps(t *testing.T) {
	iriScheme := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)
	uuid := regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	mailto := regexp.MustCompile(`^mailto:[^@\s]+@[^@\s]+$`)
	inputs := []string{"", ":", "a:", "a:b", "1a:b", "http://x", "ht-tp+1.x:y", "ht_tp:y", "Z:", "mailto:", "mailto:a@b", "mailto:@b", "mailto:a@", "mailto:a@b@c",
		"mailto:a b@c", "mailto:a\t@c", "mailto:a@c\n", "mailto:a@c\v", "mailto:ä@ü", "MAILTO:a@b", "mailto:a@b.example", "01a21ca3-85de-7283-a92a-1991921d0d66",
		"01A21CA3-85DE-7283-A92A-1991921D0D66", "01a21ca3-85de-7283-a92a-1991921d0d6", "01a21ca3-85de-7283-a92a-1991921d0d66a", "01a21ca3x85de-7283-a92a-1991921d0d66",
		"g1a21ca3-85de-7283-a92a-1991921d0d66", "01a21ca385de-7283-a92a-1991921d0d66-"}
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := "aZ09:+.-_@ \t\n\f\r\vm/é"
	for i := 0; i < 20000; i++ {
		b := []rune{}
		for j := r.IntN(12); j > 0; j-- {
			b = append(b, []rune(alphabet)[r.IntN(len([]rune(alphabet)))])
		}
		inputs = append(inputs, string(b), "mailto:"+string(b), "h"+string(b))
	}
	for _, s := range inputs {
		if got, want := schemeEnd(s) >= 0, iriScheme.MatchString(s); got != want {
			t.Fatalf("scheme %q: %v, regexp %v", s, got, want)
		}
		if got, want := ValidUUID(s), uuid.MatchString(s); got != want {
			t.Fatalf("uuid %q: %v, regexp %v", s, got, want)
		}
		if got, want := validMailto(s), mailto.MatchString(s); got != want {
			t.Fatalf("mailto %q: %v, regexp %v", s, got, want)
		}
	}
}

// decodeJSONReflect is what decodeJSON did before parseJSON.
func decodeJSONReflect(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

func checkParseJSON(t *testing.T, b []byte) {
	got, gerr := parseJSON(b)
	want, werr := decodeJSONReflect(b)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("parseJSON(%q): error %v, encoding/json %v", b, gerr, werr)
	}
	if gerr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("parseJSON(%q) = %#v, encoding/json %#v", b, got, want)
	}
}

var parseJSONSeeds = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `-`, `01`, `1.`, `1.5e`, `1.5e+3`, `-12.5E-3`, `"a"`, ` {"a" : [1, 2 ,{"b":null}] } `,
	`{"a":1,"a":2}`, `{"a":1,}`, `[1,]`, `{"a"}`, `{a:1}`, `"\u00e9\ud83d\ude00\ud83d\u0041\udc00x"`, `"\ud800"`, `"\ud800\ud800"`, `"\u12"`, `"\x"`,
	"\"a\tb\"", "\"caf\xc3\"", "\"\xff\"", `"\/\b\f\n\r\t\"\\"`, `{"k\u00e9y":"v"}`, `{} x`, `{}{}`, `[1 2]`, "\ufeff{}", `nul`, `tru`, `[`, `{"a":`, `"abc`,
	`{"actor":{"mbox":"mailto:a@b.c"},"verb":{"id":"http://x.y/v"},"object":{"id":"http://x.y/a"},"result":{"score":{"scaled":0.5}}}`,
}

// parseJSON must give what encoding/json gives, and refuse what it refuses.
func TestParseJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, s := range parseJSONSeeds {
		checkParseJSON(t, []byte(s))
	}
	for i := 0; i < 300; i++ {
		b := encodeJSONReflect(GenStatement(r, 50, 20))
		checkParseJSON(t, b)
		// and broken copies of it
		for j := 0; j < 20; j++ {
			c := bytes.Clone(b)
			const noise = "{}[],:\"\\ 0-e.tnfu\x01\xff"
			c[r.IntN(len(c))] = noise[r.IntN(len(noise))]
			checkParseJSON(t, c)
		}
	}
	deep := bytes.Repeat([]byte("["), 10001)
	checkParseJSON(t, deep)
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range parseJSONSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkParseJSON(t, b) })
}
