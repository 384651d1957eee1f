package competence

// The ESCO classification and DigComp as Baken holds them: once for the
// whole platform, read by every organisation, written only by an import.

// ESCOSkill is an ESCO skill or knowledge concept.
type ESCOSkill struct {
	URI           string
	SkillType     string // "skill/competence" or "knowledge"
	ReuseLevel    string // transversal, cross-sector, sector-specific, occupation-specific
	Status        string
	LabelEN       string
	LabelNL       string // "" when no Dutch label was imported
	AltEN         []string
	AltNL         []string
	DescriptionEN string
	DescriptionNL string
	Tags          []string // collections: digital, green, transversal, language, digcomp, research

	// Filled by queries that ask for them.
	Broader []ESCORef
	Related []ESCORef
}

// Label returns the preferred label in lang, English when Dutch is missing.
func (s *ESCOSkill) Label(lang string) string { return pick(lang, s.LabelNL, s.LabelEN) }

// Description returns the description in lang, English when Dutch is missing.
func (s *ESCOSkill) Description(lang string) string {
	return pick(lang, s.DescriptionNL, s.DescriptionEN)
}

// ESCOGroup is a node of ESCO's skills hierarchy.
type ESCOGroup struct {
	URI           string
	Code          string
	LabelEN       string
	LabelNL       string
	DescriptionEN string
	DescriptionNL string
	Top           bool // a root of the hierarchy
}

// Label returns the group's label in lang.
func (g *ESCOGroup) Label(lang string) string { return pick(lang, g.LabelNL, g.LabelEN) }

// ESCOOccupation is an ESCO occupation with its essential and optional
// skills.
type ESCOOccupation struct {
	URI           string
	ISCOGroup     string
	Code          string
	LabelEN       string
	LabelNL       string
	AltEN         []string
	AltNL         []string
	DescriptionEN string
	DescriptionNL string

	// Filled by queries that ask for them.
	Skills []OccupationSkill
}

// Label returns the occupation's label in lang.
func (o *ESCOOccupation) Label(lang string) string { return pick(lang, o.LabelNL, o.LabelEN) }

// OccupationSkill is one skill of an occupation.
type OccupationSkill struct {
	Skill     ESCORef
	Essential bool
}

// ESCORef names an ESCO concept briefly.
type ESCORef struct {
	URI     string
	LabelEN string
	LabelNL string
	Kind    string // skill, group
}

// Label returns the label in lang.
func (r ESCORef) Label(lang string) string { return pick(lang, r.LabelNL, r.LabelEN) }

// Broader is one broader relation (narrower URI → broader URI).
type Broader struct{ URI, BroaderURI string }

// Related is one skill–skill relation.
type Related struct{ SkillURI, RelatedURI, Relation string }

// ESCOSet is a whole ESCO release, parsed and checked, ready to store.
type ESCOSet struct {
	Version          string
	Skills           []ESCOSkill
	Groups           []ESCOGroup
	Occupations      []ESCOOccupation
	Broader          []Broader
	Related          []Related
	OccupationSkills []OccupationSkillLink
	SkippedRelations int // occupation–skill rows naming occupations absent from the set
	DutchSkillLabels int
	DutchGroupLabels int
	DutchOccupLabels int
}

// OccupationSkillLink is one row of occupationSkillRelations.
type OccupationSkillLink struct {
	OccupationURI string
	SkillURI      string
	Essential     bool
}

// FrameworkItem is an area or competence of a framework such as DigComp.
type FrameworkItem struct {
	Framework     Framework
	Code          string // "1", "1.1"
	ParentCode    string
	Kind          string // area, competence
	Position      int
	NameEN        string
	NameNL        string
	DescriptionEN string
	DescriptionNL string
}

// Name returns the item's name in lang.
func (i *FrameworkItem) Name(lang string) string { return pick(lang, i.NameNL, i.NameEN) }

// FrameworkSet is a framework's items and its own proficiency levels.
type FrameworkSet struct {
	Framework Framework
	Version   string
	Items     []FrameworkItem
	Levels    []Level
}
