package competence

import (
	"strings"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// Level is a step on a proficiency scale; 0 always means "none".
type Level struct {
	Level         int
	NameNL        string
	NameEN        string
	DescriptionNL string
	DescriptionEN string
}

// Name returns the level's name in lang.
func (l Level) Name(lang string) string { return pick(lang, l.NameNL, l.NameEN) }

// Description returns the level's description in lang.
func (l Level) Description(lang string) string { return pick(lang, l.DescriptionNL, l.DescriptionEN) }

// Scale is an organisation's proficiency scale: "none" plus one or more
// levels, numbered 0..Max() without gaps.
type Scale struct {
	Levels []Level
}

// Max is the highest level on the scale.
func (s Scale) Max() int { return len(s.Levels) - 1 }

// Level returns step n, or a bare level when n is off the scale.
func (s Scale) Level(n int) Level {
	if n >= 0 && n < len(s.Levels) {
		return s.Levels[n]
	}
	return Level{Level: n}
}

// Valid reports whether n is a level on the scale.
func (s Scale) Valid(n int) bool { return n >= 0 && n <= s.Max() }

// Validate checks a scale: levels 0..n in order, 2 to 10 of them, each
// named in at least one language. Errors: EInvalid.
func (s *Scale) Validate() error {
	var errs core.ValidationErrors
	if len(s.Levels) < 2 || len(s.Levels) > 10 {
		return core.Invalid("levels", "a scale has \"none\" and 1 to 9 levels")
	}
	for i := range s.Levels {
		l := &s.Levels[i]
		l.NameNL, l.NameEN = strings.TrimSpace(l.NameNL), strings.TrimSpace(l.NameEN)
		l.DescriptionNL, l.DescriptionEN = strings.TrimSpace(l.DescriptionNL), strings.TrimSpace(l.DescriptionEN)
		if l.Level != i {
			errs = append(errs, core.Invalid("levels", "level %d is numbered %d", i, l.Level))
		}
		if l.NameNL == "" && l.NameEN == "" {
			errs = append(errs, core.Invalid("levels", "level %d needs a name", i))
		}
		if utf8.RuneCountInString(l.NameNL) > 100 || utf8.RuneCountInString(l.NameEN) > 100 ||
			utf8.RuneCountInString(l.DescriptionNL) > 1000 || utf8.RuneCountInString(l.DescriptionEN) > 1000 {
			errs = append(errs, core.Invalid("levels", "level %d: names are at most 100 and descriptions 1000 characters", i))
		}
	}
	return errs.Err()
}

// DefaultScale is the scale every organisation starts with: "none" plus
// the four steps of the I-L-U-O tradition of manufacturing skills
// matrices. Organisations may rename and redescribe the steps.
func DefaultScale() Scale {
	return Scale{Levels: []Level{
		{0, "Geen", "None",
			"Heeft dit (nog) niet geleerd.",
			"Has not learned this (yet)."},
		{1, "I – Leert", "I – Learning",
			"Leert onder begeleiding; werkt nog niet zelfstandig.",
			"Learns under supervision; does not yet work alone."},
		{2, "L – Zelfstandig", "L – Independent",
			"Voert het werk zelfstandig en volgens de norm uit.",
			"Does the work independently and to standard."},
		{3, "U – Lost afwijkingen op", "U – Handles deviations",
			"Lost afwijkingen en storingen op en coacht collega's.",
			"Handles deviations and faults, and coaches colleagues."},
		{4, "O – Expert", "O – Expert",
			"Leidt anderen op en verbetert het proces.",
			"Teaches others and improves the process."},
	}}
}
