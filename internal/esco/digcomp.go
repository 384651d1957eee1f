package esco

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/store"
)

// DigComp 3.0 ships its texts as translation tables (location, context,
// source, target): the English text is the source, the Dutch file carries
// the translation as target.

var (
	areaKey  = regexp.MustCompile(`^digcomp\.area\.(\d+)\.(label|description)$`)
	compKey  = regexp.MustCompile(`^digcomp\.competence\.(\d+)\.(\d+)\.(label|description)$`)
	levelKey = regexp.MustCompile(`^digcomp\.level\.(\d+)\.(four_level_name|eight_level_description)$`)
)

// ParseDigComp reads DigComp's core framework and proficiency levels from
// dir (core-framework_en.csv, levels_en.csv, and the _nl files when there).
func ParseDigComp(dir string) (*competence.FrameworkSet, error) {
	en, err := readTranslations(filepath.Join(dir, "core-framework_en.csv"), false)
	if err != nil {
		return nil, err
	}
	nl, err := readTranslations(filepath.Join(dir, "core-framework_nl.csv"), true)
	if err != nil && !isMissing(err) {
		return nil, err
	}
	set := &competence.FrameworkSet{Framework: competence.DigComp, Version: "3.0"}
	items := map[string]*competence.FrameworkItem{}
	var order []string
	item := func(code, parent, kind string) *competence.FrameworkItem {
		it, ok := items[code]
		if !ok {
			it = &competence.FrameworkItem{Framework: competence.DigComp, Code: code, ParentCode: parent, Kind: kind}
			items[code] = it
			order = append(order, code)
		}
		return it
	}
	for _, k := range en.keys {
		var it *competence.FrameworkItem
		var field string
		if m := areaKey.FindStringSubmatch(k); m != nil {
			it, field = item(m[1], "", "area"), m[2]
		} else if m := compKey.FindStringSubmatch(k); m != nil {
			it, field = item(m[1]+"."+m[2], m[1], "competence"), m[3]
		} else {
			continue
		}
		if field == "label" {
			it.NameEN, it.NameNL = en.text[k], nl.text[k]
		} else {
			it.DescriptionEN, it.DescriptionNL = en.text[k], nl.text[k]
		}
	}
	for i, code := range order {
		it := items[code]
		it.Position = i
		if it.NameEN == "" {
			return nil, &FileError{File: "core-framework_en.csv", Msg: "DigComp " + code + " has no label"}
		}
		set.Items = append(set.Items, *it)
	}
	if len(set.Items) == 0 {
		return nil, &FileError{File: "core-framework_en.csv", Msg: "no DigComp areas or competences found"}
	}

	len_, err := readTranslations(filepath.Join(dir, "levels_en.csv"), false)
	if err != nil {
		return nil, err
	}
	lnl, err := readTranslations(filepath.Join(dir, "levels_nl.csv"), true)
	if err != nil && !isMissing(err) {
		return nil, err
	}
	levels := map[int]*competence.Level{}
	maxLevel := 0
	for _, k := range len_.keys {
		m := levelKey.FindStringSubmatch(k)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		l := levels[n]
		if l == nil {
			l = &competence.Level{Level: n}
			levels[n] = l
		}
		maxLevel = max(maxLevel, n)
		if m[2] == "four_level_name" {
			l.NameEN = fmt.Sprintf("%d – %s", n, len_.text[k])
			if t := lnl.text[k]; t != "" {
				l.NameNL = fmt.Sprintf("%d – %s", n, t)
			}
		} else {
			l.DescriptionEN, l.DescriptionNL = len_.text[k], lnl.text[k]
		}
	}
	set.Levels = append(set.Levels, competence.Level{Level: 0, NameEN: "None", NameNL: "Geen"})
	for n := 1; n <= maxLevel; n++ {
		l := levels[n]
		if l == nil {
			return nil, &FileError{File: "levels_en.csv", Msg: fmt.Sprintf("DigComp level %d is missing", n)}
		}
		set.Levels = append(set.Levels, *l)
	}
	return set, nil
}

// ImportDigComp reads DigComp from dir and stores it as a platform
// framework, replacing an earlier import.
func ImportDigComp(ctx context.Context, db *store.DB, dir string) (*competence.FrameworkSet, error) {
	set, err := ParseDigComp(dir)
	if err != nil {
		return nil, err
	}
	if err := db.ImportFramework(ctx, set); err != nil {
		return nil, fmt.Errorf("digcomp: %w", err)
	}
	return set, nil
}

type translations struct {
	keys []string
	text map[string]string
}

// readTranslations reads a location/context/source/target table: the
// source text, or with target set the translation (empty when untranslated).
func readTranslations(path string, target bool) (translations, error) {
	tr := translations{text: map[string]string{}}
	t, err := openTable(path, "location", "source", "target")
	if err != nil {
		return tr, err
	}
	defer t.close()
	for {
		ok, err := t.next()
		if err != nil {
			return tr, err
		}
		if !ok {
			return tr, nil
		}
		k := t.get("location")
		v := t.get("source")
		if target {
			v = t.get("target")
		}
		tr.keys = append(tr.keys, k)
		tr.text[k] = v
	}
}

func isMissing(err error) bool {
	fe, ok := err.(*FileError)
	return ok && fe.Line == 0 && strings.Contains(fe.Msg, "no such file")
}
