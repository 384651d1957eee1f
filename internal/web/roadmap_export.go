package web

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/beacon"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/i18n"
)

// ---- Server-side SVG ----

var rmMonths = map[string][]string{
	"nl": {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

func rmMonthYear(t time.Time, lang string) string {
	ms := rmMonths[lang]
	if ms == nil {
		ms = rmMonths["en"]
	}
	return ms[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

func rmClip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// timelineSVG draws the roadmap as a vertical timeline, today at the top,
// each item at its target date (spaced so that labels never overlap).
// Items that touch the reader are filled. The list on the page carries
// the same information for screen readers.
func timelineSVG(items []beaconItem, now time.Time, lang string) template.HTML {
	if len(items) == 0 {
		return ""
	}
	const w, x0, top, gapMin = 340, 92, 34, 40
	last := items[len(items)-1].It.TargetDate
	span := last.Sub(now).Hours()
	if span < 24 {
		span = 24
	}
	ys := make([]int, len(items))
	y := top
	for i, it := range items {
		want := top + 24 + int(float64(len(items))*gapMin*it.It.TargetDate.Sub(now).Hours()/span)
		y = max(want, y+gapMin)
		if i == 0 {
			y = max(want, top+gapMin)
		}
		ys[i] = y
	}
	h := ys[len(ys)-1] + 28
	var b strings.Builder
	title := i18n.T(lang, "beacon.timeline")
	fmt.Fprintf(&b, `<svg class="timeline-svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="tl-title" xmlns="http://www.w3.org/2000/svg"><title id="tl-title">%s</title>`, w, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#8c959f" stroke-width="3"/>`, x0, top-10, x0, h-10)
	fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="6" fill="#0f2a44"/><text x="%d" y="%d" font-size="13" text-anchor="end" fill="#0f2a44">%s</text>`,
		x0, top-10, x0-12, top-6, html.EscapeString(i18n.T(lang, "beacon.today")))
	for i, it := range items {
		fill, stroke := "#fff", "#24507d"
		if it.Touches {
			fill = "#24507d"
		}
		fmt.Fprintf(&b, `<g><title>%s — %s</title>`, html.EscapeString(it.Title), it.It.TargetDate.Format("2006-01-02"))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" text-anchor="end" fill="#444">%s</text>`, x0-12, ys[i]+4, html.EscapeString(rmMonthYear(it.It.TargetDate, lang)))
		fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="8" fill="%s" stroke="%s" stroke-width="3"/>`, x0, ys[i], fill, stroke)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#1b1f24">%s</text></g>`, x0+16, ys[i]+5, html.EscapeString(rmClip(it.Title, 30)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// coverageSVG draws coverage at each date as bars (0–100 %), with a
// dashed line at 100 %. The table beside it holds the numbers.
func coverageSVG(dates []time.Time, cells []gap.Cell, lang string) template.HTML {
	if len(dates) == 0 {
		return ""
	}
	const w, h, left, bottom, top = 340, 190, 34, 28, 10
	plotW, plotH := w-left-6, h-bottom-top
	bw := float64(plotW) / float64(len(dates))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="cov-title" xmlns="http://www.w3.org/2000/svg"><title id="cov-title">%s</title>`,
		w, h, html.EscapeString(i18n.T(lang, "gaps.chart_title")))
	for _, p := range []int{0, 50, 100} {
		y := top + plotH - plotH*p/100
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#d0d7de"%s/><text x="%d" y="%d" font-size="11" text-anchor="end" fill="#444">%d%%</text>`,
			left, y, w-6, y, map[bool]string{true: ` stroke-dasharray="4 3"`, false: ""}[p == 100], left-4, y+4, p)
	}
	for i, c := range cells {
		cov := c.Coverage()
		bh := plotH * cov / 100
		x := float64(left) + float64(i)*bw
		color := "#2e7d32"
		switch {
		case cov < 60:
			color = "#c62828"
		case cov < 90:
			color = "#ef8f00"
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %d%% (%d/%d)</title></rect>`,
			x+bw*0.15, top+plotH-bh, bw*0.7, bh, color, dates[i].Format("2006-01-02"), cov, c.Covered, c.Needed)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#444">%s</text>`, left, h-8, html.EscapeString(i18n.T(lang, "beacon.today")))
	if len(dates) > 1 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="end" fill="#444">%s</text>`, w-6, h-8, html.EscapeString(rmMonthYear(dates[len(dates)-1], lang)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ---- Exports ----

// exportRows is the table every export writes: one row per competence
// and date, plus the whole scope's rows first.
func (s *Server) exportRows(r *http.Request) (header []string, rows [][]any, name string, err error) {
	lang := From(r).Lang
	sc := rmScope(r)
	m, a, err := s.rmAnalysis(r, sc)
	if err != nil {
		return nil, nil, "", err
	}
	scopeName := i18n.T(lang, "gaps.company")
	switch sc.Kind {
	case gap.SiteScope:
		scopeName = m.Sites[m.SiteIndex(sc.ID)].Name
	case gap.TeamScope:
		scopeName = m.Teams[m.TeamIndex(sc.ID)].Name
	}
	for _, k := range []string{"scope", "competence", "date", "needed", "covered", "shortfall", "coverage", "qualified", "bench", "single_point"} {
		header = append(header, i18n.T(lang, "gaps.col."+k))
	}
	yes := i18n.T(lang, "gaps.yes")
	for d, c := range a.Total {
		rows = append(rows, []any{scopeName, i18n.T(lang, "gaps.all_competences"), a.Dates[d].Format("2006-01-02"), int(c.Needed), int(c.Covered), c.Shortfall(), c.Coverage(), "", "", ""})
	}
	for _, ln := range a.Lines {
		for d, c := range ln.Cells {
			if c.Needed == 0 {
				continue
			}
			sp := ""
			if c.SinglePoint() {
				sp = yes
			}
			rows = append(rows, []any{scopeName, m.Comps[ln.Comp].Name(lang), a.Dates[d].Format("2006-01-02"), int(c.Needed), int(c.Covered), c.Shortfall(), c.Coverage(), int(c.Qualified), int(c.Bench), sp})
		}
	}
	return header, rows, "baken-gaps-" + time.Now().Format("2006-01-02"), nil
}

func (s *Server) gapCSV(w http.ResponseWriter, r *http.Request) {
	header, rows, name, err := s.exportRows(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	_, _ = w.Write([]byte("\uFEFF")) // so that spreadsheet programs read UTF-8
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = rmCSVSafe(fmt.Sprint(v))
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
}

// rmCSVSafe keeps a cell from being read as a formula by a spreadsheet.
func rmCSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.Atoi(s); err != nil {
			return "'" + s
		}
	}
	return s
}

func (s *Server) gapXLSX(w http.ResponseWriter, r *http.Request) {
	header, rows, name, err := s.exportRows(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	body, err := writeXLSX(i18n.T(From(r).Lang, "gaps.sheet"), header, rows)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	_, _ = w.Write(body)
}

// writeXLSX writes a one-sheet Office Open XML workbook by hand: the four
// parts a spreadsheet program needs, strings inline, numbers as numbers.
func writeXLSX(sheet string, header []string, rows [][]any) ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, body string) error {
		f, err := z.Create(name)
		if err != nil {
			return err
		}
		_, err = f.Write([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + body))
		return err
	}
	parts := [][2]string{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + xlsxEsc(rmClip(sheet, 31)) + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	}
	for _, p := range parts {
		if err := put(p[0], p[1]); err != nil {
			return nil, err
		}
	}
	var sb strings.Builder
	sb.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := func(n int, cells []any) {
		fmt.Fprintf(&sb, `<row r="%d">`, n)
		for i, v := range cells {
			ref := xlsxCol(i) + strconv.Itoa(n)
			switch x := v.(type) {
			case int:
				fmt.Fprintf(&sb, `<c r="%s"><v>%d</v></c>`, ref, x)
			default:
				if s := fmt.Sprint(x); s != "" {
					fmt.Fprintf(&sb, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, xlsxEsc(s))
				}
			}
		}
		sb.WriteString(`</row>`)
	}
	hs := make([]any, len(header))
	for i, h := range header {
		hs[i] = h
	}
	row(1, hs)
	for i, r := range rows {
		row(i+2, r)
	}
	sb.WriteString(`</sheetData></worksheet>`)
	if err := put("xl/worksheets/sheet1.xml", sb.String()); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// xlsxEsc escapes text for XML and drops characters XML 1.0 forbids.
func xlsxEsc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF {
			return r
		}
		return -1
	}, s)
	return html.EscapeString(s)
}

func xlsxCol(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// ---- JSON ----

func rmJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(v)
}

// gapJSON serves the dashboard's numbers for a scope (?site= or ?team=),
// in the same shape as GET /api/v1/gaps.
func (s *Server) gapJSON(w http.ResponseWriter, r *http.Request) {
	m, err := s.gapModel(r, false)
	var rep *beacon.GapReport
	if err == nil {
		if rep, err = beacon.Gaps(m, rmScope(r), From(r).Lang, 20); err == gap.ErrUnknownScope {
			err = core.ErrNotFound
		}
	}
	if err != nil {
		w.WriteHeader(Status(err))
		rmJSON(w, map[string]string{"error": s.Message(r, err)})
		return
	}
	rmJSON(w, rep)
}

// beaconJSON serves the beacon for the signed-in person: the published
// roadmap with its demand and coverage, and the person's own gaps.
func (s *Server) beaconJSON(w http.ResponseWriter, r *http.Request) {
	st := From(r)
	m, err := s.gapModel(r, false)
	if err != nil {
		w.WriteHeader(Status(err))
		rmJSON(w, map[string]string{"error": s.Message(r, err)})
		return
	}
	out := struct {
		Items    []beacon.Item `json:"items"`
		Touching []string      `json:"items_touching_me"`
		Roadmap  []beacon.Need `json:"my_roadmap_needs"`
		Roles    []beacon.Need `json:"my_role_gaps"`
	}{Items: beacon.Items(m, st.Lang), Touching: []string{}, Roadmap: []beacon.Need{}, Roles: []beacon.Need{}}
	for _, it := range m.Items {
		if it.Affects(st.Person.TeamID, st.Person.SiteID) {
			out.Touching = append(out.Touching, it.ID)
		}
	}
	if pg, err := beacon.Person(m, st.Person.ID, st.Lang); err == nil {
		out.Roadmap, out.Roles = pg.Roadmap, pg.Roles
	}
	rmJSON(w, out)
}
