package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/competence"
)

// ESCO and DigComp are platform data: held once, read by every
// organisation, so these methods take no orgID. Only an import writes them.

// batchInsert inserts rows with multi-row VALUES lists, chunked to stay far
// below both engines' parameter limits. suffix follows the VALUES list
// (e.g. an ON CONFLICT clause).
func batchInsert(ctx context.Context, tx Querier, head string, cols int, rows [][]any, suffix string, progress func(n int)) error {
	// About 500 parameters per statement: the modernc driver matches
	// parameters to arguments in quadratic time, so huge statements are
	// slower than many medium ones (4,400 parameters cost 30× more per row).
	perStmt := max(1, 500/cols)
	for start := 0; start < len(rows); start += perStmt {
		end := min(start+perStmt, len(rows))
		var b strings.Builder
		b.WriteString(head)
		b.WriteString(" VALUES ")
		args := make([]any, 0, (end-start)*cols)
		for i, r := range rows[start:end] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			b.WriteString(In(len(args)+1, cols))
			b.WriteByte(')')
			args = append(args, r...)
		}
		b.WriteString(" ")
		b.WriteString(suffix)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
		if progress != nil {
			progress(end - start)
		}
	}
	return nil
}

func escoSearch(parts ...string) string {
	return strings.ToLower(strings.Join(parts, "\n"))
}

// ImportESCO stores a parsed ESCO release in one transaction: concepts are
// inserted or updated by URI (a re-import never duplicates), relations and
// tags are replaced. Anything failing leaves the database as it was.
// progress, if not nil, is told how many records were written so far and
// of how many.
func (db *DB) ImportESCO(ctx context.Context, set *competence.ESCOSet, progress func(done, total int)) error {
	total := len(set.Skills) + len(set.Groups) + len(set.Occupations) + len(set.Broader) + len(set.Related) + len(set.OccupationSkills)
	for _, s := range set.Skills {
		total += len(s.Tags)
	}
	done := 0
	step := func(n int) {
		done += n
		if progress != nil {
			progress(done, total)
		}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		rows := make([][]any, 0, len(set.Skills))
		for _, s := range set.Skills {
			rows = append(rows, []any{s.URI, s.SkillType, s.ReuseLevel, s.Status, s.LabelEN, s.LabelNL,
				strings.Join(s.AltEN, "\n"), strings.Join(s.AltNL, "\n"), s.DescriptionEN, s.DescriptionNL,
				escoSearch(s.LabelEN, s.LabelNL, strings.Join(s.AltEN, "\n"), strings.Join(s.AltNL, "\n"))})
		}
		if err := batchInsert(ctx, tx, `INSERT INTO esco_skills (uri, skill_type, reuse_level, status, label_en, label_nl, alt_en, alt_nl, description_en, description_nl, search)`, 11, rows,
			`ON CONFLICT (uri) DO UPDATE SET skill_type = excluded.skill_type, reuse_level = excluded.reuse_level, status = excluded.status,
			label_en = excluded.label_en, label_nl = excluded.label_nl, alt_en = excluded.alt_en, alt_nl = excluded.alt_nl,
			description_en = excluded.description_en, description_nl = excluded.description_nl, search = excluded.search`, step); err != nil {
			return fmt.Errorf("esco skills: %w", db.Err(err))
		}
		rows = rows[:0]
		for _, g := range set.Groups {
			rows = append(rows, []any{g.URI, g.Code, g.LabelEN, g.LabelNL, g.DescriptionEN, g.DescriptionNL, g.Top})
		}
		if err := batchInsert(ctx, tx, `INSERT INTO esco_groups (uri, code, label_en, label_nl, description_en, description_nl, top)`, 7, rows,
			`ON CONFLICT (uri) DO UPDATE SET code = excluded.code, label_en = excluded.label_en, label_nl = excluded.label_nl,
			description_en = excluded.description_en, description_nl = excluded.description_nl, top = excluded.top`, step); err != nil {
			return fmt.Errorf("esco groups: %w", db.Err(err))
		}
		rows = rows[:0]
		for _, o := range set.Occupations {
			rows = append(rows, []any{o.URI, o.ISCOGroup, o.Code, o.LabelEN, o.LabelNL, strings.Join(o.AltEN, "\n"), strings.Join(o.AltNL, "\n"),
				o.DescriptionEN, o.DescriptionNL, escoSearch(o.LabelEN, o.LabelNL, strings.Join(o.AltEN, "\n"), strings.Join(o.AltNL, "\n"))})
		}
		if err := batchInsert(ctx, tx, `INSERT INTO esco_occupations (uri, isco_group, code, label_en, label_nl, alt_en, alt_nl, description_en, description_nl, search)`, 10, rows,
			`ON CONFLICT (uri) DO UPDATE SET isco_group = excluded.isco_group, code = excluded.code, label_en = excluded.label_en,
			label_nl = excluded.label_nl, alt_en = excluded.alt_en, alt_nl = excluded.alt_nl, description_en = excluded.description_en,
			description_nl = excluded.description_nl, search = excluded.search`, step); err != nil {
			return fmt.Errorf("esco occupations: %w", db.Err(err))
		}
		for _, t := range []string{"esco_broader", "esco_related", "esco_tags", "esco_occupation_skills"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("esco: clear %s: %w", t, err)
			}
		}
		rows = rows[:0]
		for _, r := range set.Broader {
			rows = append(rows, []any{r.URI, r.BroaderURI})
		}
		if err := batchInsert(ctx, tx, `INSERT INTO esco_broader (uri, broader_uri)`, 2, rows, `ON CONFLICT DO NOTHING`, step); err != nil {
			return fmt.Errorf("esco broader relations: %w", db.Err(err))
		}
		rows = rows[:0]
		for _, r := range set.Related {
			rows = append(rows, []any{r.SkillURI, r.RelatedURI, r.Relation})
		}
		if err := batchInsert(ctx, tx, `INSERT INTO esco_related (skill_uri, related_uri, relation)`, 3, rows, `ON CONFLICT DO NOTHING`, step); err != nil {
			return fmt.Errorf("esco related skills: %w", db.Err(err))
		}
		rows = rows[:0]
		for _, s := range set.Skills {
			for _, t := range s.Tags {
				rows = append(rows, []any{s.URI, t})
			}
		}
		if err := batchInsert(ctx, tx, `INSERT INTO esco_tags (skill_uri, tag)`, 2, rows, `ON CONFLICT DO NOTHING`, step); err != nil {
			return fmt.Errorf("esco collections: %w", db.Err(err))
		}
		rows = rows[:0]
		for _, r := range set.OccupationSkills {
			rows = append(rows, []any{r.OccupationURI, r.SkillURI, r.Essential})
		}
		if err := batchInsert(ctx, tx, `INSERT INTO esco_occupation_skills (occupation_uri, skill_uri, essential)`, 3, rows, `ON CONFLICT DO NOTHING`, step); err != nil {
			return fmt.Errorf("esco occupation skills: %w", db.Err(err))
		}
		detail := fmt.Sprintf("%d skills, %d groups, %d occupations, %d occupation-skill relations", len(set.Skills), len(set.Groups), len(set.Occupations), len(set.OccupationSkills))
		return upsertFramework(ctx, tx, db, "esco", set.Version, detail)
	})
}

func upsertFramework(ctx context.Context, tx *sql.Tx, db *DB, id, version, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO frameworks (id, version, imported_at, detail) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, imported_at = excluded.imported_at, detail = excluded.detail`,
		id, version, T(time.Now()), detail)
	return db.Err(err)
}

// ImportFramework stores a framework such as DigComp (items and levels),
// replacing what an earlier import stored, in one transaction.
func (db *DB) ImportFramework(ctx context.Context, set *competence.FrameworkSet) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for _, t := range []string{"framework_items", "framework_levels"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE framework = $1`, string(set.Framework)); err != nil {
				return db.Err(err)
			}
		}
		var rows [][]any
		for _, it := range set.Items {
			rows = append(rows, []any{string(set.Framework), it.Code, it.ParentCode, it.Kind, it.Position, it.NameEN, it.NameNL, it.DescriptionEN, it.DescriptionNL})
		}
		if err := batchInsert(ctx, tx, `INSERT INTO framework_items (framework, code, parent_code, kind, position, name_en, name_nl, description_en, description_nl)`, 9, rows, ``, nil); err != nil {
			return fmt.Errorf("%s items: %w", set.Framework, db.Err(err))
		}
		rows = rows[:0]
		for _, l := range set.Levels {
			rows = append(rows, []any{string(set.Framework), l.Level, l.NameEN, l.NameNL, l.DescriptionEN, l.DescriptionNL})
		}
		if err := batchInsert(ctx, tx, `INSERT INTO framework_levels (framework, level, name_en, name_nl, description_en, description_nl)`, 6, rows, ``, nil); err != nil {
			return fmt.Errorf("%s levels: %w", set.Framework, db.Err(err))
		}
		return upsertFramework(ctx, tx, db, string(set.Framework), set.Version, fmt.Sprintf("%d items, %d levels", len(set.Items), len(set.Levels)))
	})
}

// FrameworkInfo says which version of a platform framework is imported.
type FrameworkInfo struct {
	ID         string
	Version    string
	ImportedAt time.Time
	Detail     string
}

// Frameworks lists the imported platform frameworks.
func (db *DB) Frameworks(ctx context.Context) ([]FrameworkInfo, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, version, imported_at, detail FROM frameworks ORDER BY id`)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []FrameworkInfo
	for rows.Next() {
		var f FrameworkInfo
		if err := rows.Scan(&f.ID, &f.Version, Time{&f.ImportedAt}, &f.Detail); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FrameworkItems lists a framework's items in order.
func (db *DB) FrameworkItems(ctx context.Context, fw competence.Framework) ([]competence.FrameworkItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT code, parent_code, kind, position, name_en, name_nl, description_en, description_nl
		FROM framework_items WHERE framework = $1 ORDER BY position, code`, string(fw))
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []competence.FrameworkItem
	for rows.Next() {
		it := competence.FrameworkItem{Framework: fw}
		if err := rows.Scan(&it.Code, &it.ParentCode, &it.Kind, &it.Position, &it.NameEN, &it.NameNL, &it.DescriptionEN, &it.DescriptionNL); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// FrameworkLevels lists a framework's own proficiency levels.
func (db *DB) FrameworkLevels(ctx context.Context, fw competence.Framework) ([]competence.Level, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT level, name_en, name_nl, description_en, description_nl
		FROM framework_levels WHERE framework = $1 ORDER BY level`, string(fw))
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []competence.Level
	for rows.Next() {
		var l competence.Level
		if err := rows.Scan(&l.Level, &l.NameEN, &l.NameNL, &l.DescriptionEN, &l.DescriptionNL); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ESCOCounts reports how many concepts are stored, for import reports and tests.
func (db *DB) ESCOCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []string{"esco_skills", "esco_groups", "esco_occupations", "esco_broader", "esco_related", "esco_tags", "esco_occupation_skills"} {
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return nil, db.Err(err)
		}
		out[t] = n
	}
	return out, nil
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

const skillCols = `s.uri, s.skill_type, s.reuse_level, s.status, s.label_en, s.label_nl, s.alt_en, s.alt_nl, s.description_en, s.description_nl`

func scanSkill(row interface{ Scan(...any) error }) (*competence.ESCOSkill, error) {
	var s competence.ESCOSkill
	var altEN, altNL string
	if err := row.Scan(&s.URI, &s.SkillType, &s.ReuseLevel, &s.Status, &s.LabelEN, &s.LabelNL, &altEN, &altNL, &s.DescriptionEN, &s.DescriptionNL); err != nil {
		return nil, err
	}
	s.AltEN, s.AltNL = splitLines(altEN), splitLines(altNL)
	return &s, nil
}

// ESCOSkill returns one skill with its tags, broader concepts and related
// skills. Errors: ENotFound.
func (db *DB) ESCOSkill(ctx context.Context, uri string) (*competence.ESCOSkill, error) {
	s, err := scanSkill(db.read.QueryRowContext(ctx, `SELECT `+skillCols+` FROM esco_skills s WHERE s.uri = $1`, uri))
	if err != nil {
		return nil, db.Err(err)
	}
	tags, err := db.escoTags(ctx, []string{uri})
	if err != nil {
		return nil, err
	}
	s.Tags = tags[uri]
	if s.Broader, err = db.escoRefs(ctx, `SELECT b.broader_uri, COALESCE(g.label_en, k.label_en, ''), COALESCE(g.label_nl, k.label_nl, ''),
		CASE WHEN g.uri IS NULL THEN 'skill' ELSE 'group' END
		FROM esco_broader b LEFT JOIN esco_groups g ON g.uri = b.broader_uri LEFT JOIN esco_skills k ON k.uri = b.broader_uri
		WHERE b.uri = $1 ORDER BY 2`, uri); err != nil {
		return nil, err
	}
	if s.Related, err = db.escoRefs(ctx, `SELECT k.uri, k.label_en, k.label_nl, 'skill' FROM esco_related r JOIN esco_skills k ON k.uri = r.related_uri
		WHERE r.skill_uri = $1 ORDER BY k.label_en`, uri); err != nil {
		return nil, err
	}
	return s, nil
}

func (db *DB) escoRefs(ctx context.Context, q string, args ...any) ([]competence.ESCORef, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []competence.ESCORef
	for rows.Next() {
		var r competence.ESCORef
		if err := rows.Scan(&r.URI, &r.LabelEN, &r.LabelNL, &r.Kind); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (db *DB) escoTags(ctx context.Context, uris []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(uris) == 0 {
		return out, nil
	}
	args := make([]any, len(uris))
	for i, u := range uris {
		args[i] = u
	}
	rows, err := db.read.QueryContext(ctx, `SELECT skill_uri, tag FROM esco_tags WHERE skill_uri IN (`+In(1, len(uris))+`) ORDER BY tag`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u, t string
		if err := rows.Scan(&u, &t); err != nil {
			return nil, err
		}
		out[u] = append(out[u], t)
	}
	return out, rows.Err()
}

// ESCOSkillFilter narrows a skill search.
type ESCOSkillFilter struct {
	Query    string // matches preferred and alternative labels, in English and Dutch
	GroupURI string // skills directly under this group
	Tag      string // a collection: digital, green, transversal, language, …
	Limit    int    // default 50, at most 500
	Offset   int
}

// SearchESCOSkills finds skills by label (both languages, alt labels too),
// group or collection. Preferred labels that start with the query come
// first. It returns the page and the total count.
func (db *DB) SearchESCOSkills(ctx context.Context, f ESCOSkillFilter) ([]*competence.ESCOSkill, int, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	var where []string
	var args []any
	q := strings.ToLower(strings.TrimSpace(f.Query))
	if q != "" {
		args = append(args, "%"+likeEscape(q)+"%")
		where = append(where, fmt.Sprintf(`s.search LIKE $%d`, len(args)))
	}
	if f.GroupURI != "" {
		args = append(args, f.GroupURI)
		where = append(where, fmt.Sprintf(`s.uri IN (SELECT uri FROM esco_broader WHERE broader_uri = $%d)`, len(args)))
	}
	if f.Tag != "" {
		args = append(args, f.Tag)
		where = append(where, fmt.Sprintf(`s.uri IN (SELECT skill_uri FROM esco_tags WHERE tag = $%d)`, len(args)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM esco_skills s`+cond, args...).Scan(&total); err != nil {
		return nil, 0, db.Err(err)
	}
	order := ` ORDER BY s.label_en`
	if q != "" {
		args = append(args, likeEscape(q)+"%")
		n := len(args)
		order = fmt.Sprintf(` ORDER BY CASE WHEN LOWER(s.label_en) LIKE $%d OR LOWER(s.label_nl) LIKE $%d THEN 0 ELSE 1 END, LENGTH(s.label_en), s.label_en`, n, n)
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := db.read.QueryContext(ctx, `SELECT `+skillCols+` FROM esco_skills s`+cond+order+fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, db.Err(err)
	}
	defer rows.Close()
	var out []*competence.ESCOSkill
	var uris []string
	for rows.Next() {
		s, err := scanSkill(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, s)
		uris = append(uris, s.URI)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	tags, err := db.escoTags(ctx, uris)
	if err != nil {
		return nil, 0, err
	}
	for _, s := range out {
		s.Tags = tags[s.URI]
	}
	return out, total, nil
}

// ESCOGroups lists the groups directly under parentURI, or the top of the
// hierarchy when parentURI is "".
func (db *DB) ESCOGroups(ctx context.Context, parentURI string) ([]competence.ESCOGroup, error) {
	q := `SELECT g.uri, g.code, g.label_en, g.label_nl, g.description_en, g.description_nl, g.top FROM esco_groups g WHERE g.top = TRUE ORDER BY g.code, g.label_en`
	args := []any{}
	if parentURI != "" {
		q = `SELECT g.uri, g.code, g.label_en, g.label_nl, g.description_en, g.description_nl, g.top FROM esco_groups g
			JOIN esco_broader b ON b.uri = g.uri WHERE b.broader_uri = $1 ORDER BY g.code, g.label_en`
		args = append(args, parentURI)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []competence.ESCOGroup
	for rows.Next() {
		var g competence.ESCOGroup
		if err := rows.Scan(&g.URI, &g.Code, &g.LabelEN, &g.LabelNL, &g.DescriptionEN, &g.DescriptionNL, &g.Top); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// ESCOGroup returns one group. Errors: ENotFound.
func (db *DB) ESCOGroup(ctx context.Context, uri string) (*competence.ESCOGroup, error) {
	var g competence.ESCOGroup
	err := db.read.QueryRowContext(ctx, `SELECT uri, code, label_en, label_nl, description_en, description_nl, top FROM esco_groups WHERE uri = $1`, uri).
		Scan(&g.URI, &g.Code, &g.LabelEN, &g.LabelNL, &g.DescriptionEN, &g.DescriptionNL, &g.Top)
	if err != nil {
		return nil, db.Err(err)
	}
	return &g, nil
}

// SearchESCOOccupations finds occupations by label in both languages.
func (db *DB) SearchESCOOccupations(ctx context.Context, query string, limit int) ([]*competence.ESCOOccupation, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := strings.ToLower(strings.TrimSpace(query))
	rows, err := db.read.QueryContext(ctx, `SELECT uri, isco_group, code, label_en, label_nl, description_en, description_nl FROM esco_occupations
		WHERE search LIKE $1 ORDER BY CASE WHEN LOWER(label_en) LIKE $2 OR LOWER(label_nl) LIKE $2 THEN 0 ELSE 1 END, LENGTH(label_en), label_en LIMIT $3`,
		"%"+likeEscape(q)+"%", likeEscape(q)+"%", limit)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*competence.ESCOOccupation
	for rows.Next() {
		var o competence.ESCOOccupation
		if err := rows.Scan(&o.URI, &o.ISCOGroup, &o.Code, &o.LabelEN, &o.LabelNL, &o.DescriptionEN, &o.DescriptionNL); err != nil {
			return nil, err
		}
		out = append(out, &o)
	}
	return out, rows.Err()
}

// ESCOOccupation returns an occupation with its skills, essential first.
// Errors: ENotFound.
func (db *DB) ESCOOccupation(ctx context.Context, uri string) (*competence.ESCOOccupation, error) {
	var o competence.ESCOOccupation
	var altEN, altNL string
	err := db.read.QueryRowContext(ctx, `SELECT uri, isco_group, code, label_en, label_nl, alt_en, alt_nl, description_en, description_nl FROM esco_occupations WHERE uri = $1`, uri).
		Scan(&o.URI, &o.ISCOGroup, &o.Code, &o.LabelEN, &o.LabelNL, &altEN, &altNL, &o.DescriptionEN, &o.DescriptionNL)
	if err != nil {
		return nil, db.Err(err)
	}
	o.AltEN, o.AltNL = splitLines(altEN), splitLines(altNL)
	rows, err := db.read.QueryContext(ctx, `SELECT s.uri, s.label_en, s.label_nl, r.essential FROM esco_occupation_skills r JOIN esco_skills s ON s.uri = r.skill_uri
		WHERE r.occupation_uri = $1 ORDER BY r.essential DESC, s.label_en`, uri)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var os competence.OccupationSkill
		os.Skill.Kind = "skill"
		if err := rows.Scan(&os.Skill.URI, &os.Skill.LabelEN, &os.Skill.LabelNL, &os.Essential); err != nil {
			return nil, err
		}
		o.Skills = append(o.Skills, os)
	}
	return &o, rows.Err()
}
