// Package i18n holds the user-interface strings of Baken in Dutch and
// English. Each area keeps its own catalogue file, locales/<lang>/<area>.json;
// all files of a language are merged at start, and a test fails when a key
// exists in one language and not in the other.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed locales
var localeFS embed.FS

// Langs are the languages of the UI, the first is the fallback.
var Langs = []string{"en", "nl"}

var catalogs = mustLoad()

func mustLoad() map[string]map[string]string {
	c, err := load(localeFS)
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range Langs {
		out[lang] = map[string]string{}
		files, err := fs.Glob(fsys, "locales/"+lang+"/*.json")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			for k, v := range m {
				// Areas keep their own files; a key two areas both define
				// must mean the same, or one of them shows the wrong text.
				if prev, dup := out[lang][k]; dup && prev != v {
					return nil, fmt.Errorf("i18n: %s: key %q is defined twice with different texts", path.Base(f), k)
				}
				out[lang][k] = v
			}
		}
	}
	return out, nil
}

// Supported reports whether the UI speaks lang.
func Supported(lang string) bool {
	_, ok := catalogs[lang]
	return ok
}

// T returns the text for key in lang, formatted with args (fmt verbs). A
// missing key falls back to English, then to the key itself, so that a gap
// shows up on screen instead of an empty string.
func T(lang, key string, args ...any) string {
	s, ok := catalogs[lang][key]
	if !ok {
		if s, ok = catalogs["en"][key]; !ok {
			s = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key exists in lang.
func Has(lang, key string) bool {
	_, ok := catalogs[lang][key]
	return ok
}

// Missing lists, per language, the keys some other language has and it
// lacks.
func Missing() map[string][]string {
	out := map[string][]string{}
	for _, a := range Langs {
		for _, b := range Langs {
			for k := range catalogs[b] {
				if _, ok := catalogs[a][k]; !ok {
					out[a] = append(out[a], k)
				}
			}
		}
		sort.Strings(out[a])
	}
	return out
}

// Negotiate picks a UI language from an Accept-Language header, or "".
func Negotiate(header string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		tag, q := part, 1.0
		if i := strings.Index(part, ";"); i >= 0 {
			tag = strings.TrimSpace(part[:i])
			var qv float64
			if _, err := fmt.Sscanf(strings.TrimSpace(part[i+1:]), "q=%g", &qv); err == nil {
				q = qv
			}
		}
		base := strings.ToLower(tag)
		if i := strings.IndexAny(base, "-_"); i >= 0 {
			base = base[:i]
		}
		if Supported(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}
