package xapi

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
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
