// Package esco imports the ESCO classification from its official CSV
// files, and DigComp 3.0 from its data supplement, into the platform's
// framework tables. Everything is read and checked first; only a complete,
// consistent set is written, in one transaction, so a broken file leaves
// the database unchanged and names the file and line at fault.
package esco

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/store"
)

// Report says what an import did.
type Report struct {
	Version          string
	Skills           int
	Groups           int
	Occupations      int
	OccupationSkills int
	SkippedRelations int // occupation–skill rows naming unknown occupations
	Broader          int
	Related          int
	Tags             int
	DutchSkills      int
	DutchGroups      int
	DutchOccupations int
	Parse, Write     time.Duration
}

func (r *Report) String() string {
	return fmt.Sprintf("ESCO %s: %d skills, %d groups, %d occupations, %d occupation–skill relations (%d naming unknown occupations skipped), %d broader and %d related relations, %d collection tags; Dutch labels for %d skills, %d groups, %d occupations; read in %s, written in %s",
		r.Version, r.Skills, r.Groups, r.Occupations, r.OccupationSkills, r.SkippedRelations, r.Broader, r.Related, r.Tags,
		r.DutchSkills, r.DutchGroups, r.DutchOccupations, r.Parse.Round(time.Millisecond), r.Write.Round(time.Millisecond))
}

// collections maps the official collection files to Baken's tags.
var collections = []struct{ file, tag string }{
	{"digitalSkillsCollection_en.csv", "digital"},
	{"greenSkillsCollection_en.csv", "green"},
	{"transversalSkillsCollection_en.csv", "transversal"},
	{"languageSkillsCollection_en.csv", "language"},
	{"digCompSkillsCollection_en.csv", "digcomp"},
	{"researchSkillsCollection_en.csv", "research"},
}

// Import reads the English ESCO files in dir (and Dutch ones in nlDir, if
// not "") and stores them, updating an earlier import rather than
// duplicating it. progress, if not nil, receives a progress bar (lines
// redrawn with a carriage return, finished with a newline). Errors name
// the file and line at fault; the database is then unchanged.
func Import(ctx context.Context, db *store.DB, dir, nlDir string, progress io.Writer) (*Report, error) {
	bar := newBar(progress)
	labels := map[string]string{StageReading: "reading ESCO files", StageWriting: "writing to the database"}
	rep, err := ImportReporting(ctx, db, dir, nlDir, func(stage string, done, total int) {
		if total == 0 {
			bar.stage(labels[stage])
		} else {
			bar.set(labels[stage], done, total)
		}
	})
	bar.done()
	return rep, err
}

// Progress is told what a long import is doing: a stage for people to
// read, and while writing how many records of how many (total is 0 while
// a stage cannot count).
type Progress func(stage string, done, total int)

// Stages of an ESCO import, as passed to a Progress: short codes, for
// callers to put into words in their own language.
const (
	StageReading = "reading"
	StageWriting = "writing"
)

// ImportReporting is Import for callers that show progress their own way,
// such as the web page of an import started from a browser.
func ImportReporting(ctx context.Context, db *store.DB, dir, nlDir string, progress Progress) (*Report, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	start := time.Now()
	progress(StageReading, 0, 0)
	set, rep, err := Parse(dir, nlDir)
	if err != nil {
		return nil, err
	}
	rep.Parse = time.Since(start)
	start = time.Now()
	err = db.ImportESCO(ctx, set, func(done, total int) { progress(StageWriting, done, total) })
	if err != nil {
		return nil, fmt.Errorf("esco: %w", err)
	}
	rep.Write = time.Since(start)
	return rep, nil
}

// Parse reads and checks a whole ESCO release without touching a database.
func Parse(dir, nlDir string) (*competence.ESCOSet, *Report, error) {
	set := &competence.ESCOSet{Version: version(dir)}
	rep := &Report{Version: set.Version}
	skillIdx := map[string]int{}
	groupIdx := map[string]int{}

	// Skills.
	err := eachRow(filepath.Join(dir, "skills_en.csv"), []string{"conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "status", "description"}, func(t *table) error {
		s := competence.ESCOSkill{URI: t.get("conceptUri"), SkillType: t.get("skillType"), ReuseLevel: t.get("reuseLevel"),
			Status: t.get("status"), LabelEN: t.get("preferredLabel"), AltEN: splitLabels(t.get("altLabels")), DescriptionEN: t.get("description")}
		if !strings.HasPrefix(s.URI, "http://data.europa.eu/esco/") {
			return t.errorf("conceptUri %q is not an ESCO URI", s.URI)
		}
		if s.LabelEN == "" {
			return t.errorf("skill %s has no preferredLabel", s.URI)
		}
		if _, dup := skillIdx[s.URI]; dup {
			return t.errorf("skill %s appears twice", s.URI)
		}
		skillIdx[s.URI] = len(set.Skills)
		set.Skills = append(set.Skills, s)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}

	// Skill groups, from the group file and the hierarchy (which names a
	// few groups the group file lacks).
	err = eachRow(filepath.Join(dir, "skillGroups_en.csv"), []string{"conceptUri", "preferredLabel", "description", "code"}, func(t *table) error {
		g := competence.ESCOGroup{URI: t.get("conceptUri"), Code: t.get("code"), LabelEN: t.get("preferredLabel"), DescriptionEN: t.get("description")}
		if !strings.HasPrefix(g.URI, "http://data.europa.eu/esco/") || g.LabelEN == "" {
			return t.errorf("group needs an ESCO conceptUri and a preferredLabel")
		}
		groupIdx[g.URI] = len(set.Groups)
		set.Groups = append(set.Groups, g)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if err := readHierarchy(filepath.Join(dir, "skillsHierarchy_en.csv"), set, groupIdx, false); err != nil {
		return nil, nil, err
	}

	// Broader relations: every end must be a known skill or group.
	known := func(u string) bool {
		_, s := skillIdx[u]
		_, g := groupIdx[u]
		return s || g
	}
	err = eachRow(filepath.Join(dir, "broaderRelationsSkillPillar.csv"), []string{"conceptUri", "broaderUri"}, func(t *table) error {
		b := competence.Broader{URI: t.get("conceptUri"), BroaderURI: t.get("broaderUri")}
		for _, u := range []string{b.URI, b.BroaderURI} {
			if !known(u) {
				return t.errorf("unknown URI %s", u)
			}
		}
		set.Broader = append(set.Broader, b)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}

	// Related skills.
	err = eachRow(filepath.Join(dir, "skillSkillRelations.csv"), []string{"originalSkillUri", "relationType", "relatedSkillUri"}, func(t *table) error {
		r := competence.Related{SkillURI: t.get("originalSkillUri"), RelatedURI: t.get("relatedSkillUri"), Relation: t.get("relationType")}
		for _, u := range []string{r.SkillURI, r.RelatedURI} {
			if _, ok := skillIdx[u]; !ok {
				return t.errorf("unknown skill URI %s", u)
			}
		}
		set.Related = append(set.Related, r)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}

	// Collections become tags.
	for _, c := range collections {
		err := eachRow(filepath.Join(dir, c.file), []string{"conceptUri"}, func(t *table) error {
			i, ok := skillIdx[t.get("conceptUri")]
			if !ok {
				return t.errorf("unknown skill URI %s", t.get("conceptUri"))
			}
			set.Skills[i].Tags = append(set.Skills[i].Tags, c.tag)
			rep.Tags++
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}

	// Occupations and their skills.
	occIdx := map[string]int{}
	err = eachRow(filepath.Join(dir, "occupations_en.csv"), []string{"conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description", "code"}, func(t *table) error {
		o := competence.ESCOOccupation{URI: t.get("conceptUri"), ISCOGroup: t.get("iscoGroup"), Code: t.get("code"), LabelEN: t.get("preferredLabel"),
			AltEN: splitLabels(t.get("altLabels")), DescriptionEN: t.get("description")}
		if !strings.HasPrefix(o.URI, "http://data.europa.eu/esco/") || o.LabelEN == "" {
			return t.errorf("occupation needs an ESCO conceptUri and a preferredLabel")
		}
		occIdx[o.URI] = len(set.Occupations)
		set.Occupations = append(set.Occupations, o)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = eachRow(filepath.Join(dir, "occupationSkillRelations.csv"), []string{"occupationUri", "relationType", "skillUri"}, func(t *table) error {
		l := competence.OccupationSkillLink{OccupationURI: t.get("occupationUri"), SkillURI: t.get("skillUri")}
		switch t.get("relationType") {
		case "essential":
			l.Essential = true
		case "optional":
		default:
			return t.errorf("relationType %q is neither essential nor optional", t.get("relationType"))
		}
		if _, ok := skillIdx[l.SkillURI]; !ok {
			return t.errorf("unknown skill URI %s", l.SkillURI)
		}
		if _, ok := occIdx[l.OccupationURI]; !ok {
			// ESCO v1.1.1 itself has 67 such rows; they are known and harmless.
			set.SkippedRelations++
			return nil
		}
		set.OccupationSkills = append(set.OccupationSkills, l)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}

	if nlDir != "" {
		if err := readDutch(nlDir, set, rep, skillIdx, groupIdx, occIdx); err != nil {
			return nil, nil, err
		}
	}
	rep.Skills, rep.Groups, rep.Occupations = len(set.Skills), len(set.Groups), len(set.Occupations)
	rep.OccupationSkills, rep.SkippedRelations = len(set.OccupationSkills), set.SkippedRelations
	rep.Broader, rep.Related = len(set.Broader), len(set.Related)
	set.DutchSkillLabels, set.DutchGroupLabels, set.DutchOccupLabels = rep.DutchSkills, rep.DutchGroups, rep.DutchOccupations
	return set, rep, nil
}

// eachRow calls fn for every row of the CSV file at path, which must have
// the columns need; the first error (the file's or fn's) stops the read.
func eachRow(path string, need []string, fn func(t *table) error) error {
	t, err := openTable(path, need...)
	if err != nil {
		return err
	}
	defer t.close()
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
	}
}

// readHierarchy adds the groups the hierarchy names (marking level 0 as
// the top), or in Dutch mode sets their Dutch labels.
func readHierarchy(path string, set *competence.ESCOSet, groupIdx map[string]int, dutch bool) error {
	t, err := openRagged(path, "Level 0 URI", "Level 0 preferred term", "Level 1 URI", "Level 1 preferred term",
		"Level 2 URI", "Level 2 preferred term", "Level 3 URI", "Level 3 preferred term")
	if err != nil {
		return err
	}
	defer t.close()
	for {
		ok, err := t.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		for lvl := 0; lvl < 4; lvl++ {
			uri := t.get(fmt.Sprintf("Level %d URI", lvl))
			label := t.get(fmt.Sprintf("Level %d preferred term", lvl))
			if uri == "" {
				continue
			}
			i, ok := groupIdx[uri]
			if dutch {
				if ok && set.Groups[i].LabelNL == "" && label != "" {
					set.Groups[i].LabelNL = label
				}
				continue
			}
			if !ok {
				if !strings.HasPrefix(uri, "http://data.europa.eu/esco/") || label == "" {
					return t.errorf("level %d needs an ESCO URI and a preferred term", lvl)
				}
				i = len(set.Groups)
				groupIdx[uri] = i
				set.Groups = append(set.Groups, competence.ESCOGroup{URI: uri, LabelEN: label, Code: t.get(fmt.Sprintf("Level %d code", lvl))})
			}
			if lvl == 0 {
				set.Groups[i].Top = true
			}
		}
	}
}

// readDutch takes Dutch labels from whatever Dutch files nlDir holds: a
// full official skills_nl.csv, the collection files, skill groups, the
// hierarchy and occupations. Rows naming concepts absent from the English
// release (the Dutch files may be of another version) are ignored.
func readDutch(nlDir string, set *competence.ESCOSet, rep *Report, skillIdx, groupIdx, occIdx map[string]int) error {
	skillFiles := []string{}
	if p := findFile(nlDir, "skills_nl"); p != "" {
		skillFiles = append(skillFiles, p) // the full file first: it wins
	}
	for _, prefix := range []string{"ictSkillsCollection_nl", "digitalSkillsCollection_nl", "transversalSkillsCollection_nl", "languageSkillsCollection_nl",
		"greenSkillsCollection_nl", "digCompSkillsCollection_nl", "researchSkillsCollection_nl"} {
		if p := findFile(nlDir, prefix); p != "" {
			skillFiles = append(skillFiles, p)
		}
	}
	for _, p := range skillFiles {
		err := eachDutch(p, func(uri, label string, alt []string, desc string) {
			i, ok := skillIdx[uri]
			if !ok || set.Skills[i].LabelNL != "" {
				return
			}
			s := &set.Skills[i]
			s.LabelNL, s.AltNL, s.DescriptionNL = label, alt, desc
			rep.DutchSkills++
		})
		if err != nil {
			return err
		}
	}
	if p := findFile(nlDir, "skillGroups_nl"); p != "" {
		err := eachDutch(p, func(uri, label string, _ []string, desc string) {
			if i, ok := groupIdx[uri]; ok && set.Groups[i].LabelNL == "" {
				set.Groups[i].LabelNL, set.Groups[i].DescriptionNL = label, desc
			}
		})
		if err != nil {
			return err
		}
	}
	if p := findFile(nlDir, "skillsHierarchy_nl"); p != "" {
		if err := readHierarchy(p, set, groupIdx, true); err != nil {
			return err
		}
	}
	for _, g := range set.Groups {
		if g.LabelNL != "" {
			rep.DutchGroups++
		}
	}
	if p := findFile(nlDir, "occupations_nl"); p != "" {
		err := eachDutch(p, func(uri, label string, alt []string, desc string) {
			if i, ok := occIdx[uri]; ok && set.Occupations[i].LabelNL == "" {
				o := &set.Occupations[i]
				o.LabelNL, o.AltNL, o.DescriptionNL = label, alt, desc
				rep.DutchOccupations++
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func eachDutch(path string, fn func(uri, label string, alt []string, desc string)) error {
	return eachRow(path, []string{"conceptUri", "preferredLabel"}, func(t *table) error {
		if label := t.get("preferredLabel"); label != "" {
			fn(t.get("conceptUri"), label, splitLabels(t.get("altLabels")), t.get("description"))
		}
		return nil
	})
}

// version guesses the release from the folder names (…/v1.1.1/en).
func version(dir string) string {
	for d := filepath.Clean(dir); d != "." && d != "/"; d = filepath.Dir(d) {
		if b := filepath.Base(d); strings.HasPrefix(b, "v") && strings.Contains(b, ".") {
			return b
		}
	}
	return "unknown"
}
