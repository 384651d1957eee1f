package catalogue

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/bakenhq/baken/internal/core"
)

func encodePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bomb rewrites a small PNG's header to claim w×h pixels, with a valid CRC:
// a few hundred bytes that a naive decoder would try to expand.
func bomb(t *testing.T, w, h uint32) []byte {
	b := encodePNG(t, 1, 1)
	// signature (8) + length (4) + "IHDR" (4) + data (13) + crc (4)
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestCheckMedia(t *testing.T) {
	var jp bytes.Buffer
	if err := jpeg.Encode(&jp, image.NewRGBA(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	mp4 := append([]byte{0, 0, 0, 0x18}, []byte("ftypmp42\x00\x00\x00\x00mp42isom")...)
	heic := append([]byte{0, 0, 0, 0x18}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...)
	tests := []struct {
		name string
		data []byte
		code string
		typ  string
	}{
		{"jpeg", jp.Bytes(), "", JPEG},
		{"png", encodePNG(t, 20, 10), "", PNG},
		{"mp4", mp4, "", MP4},
		{"webm", []byte{0x1A, 0x45, 0xDF, 0xA3, 1, 2, 3}, "", WebM},
		{"empty", nil, core.EInvalid, ""},
		{"html claiming to be a photo", []byte("<!doctype html><script>alert(1)</script>"), core.EInvalid, ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), core.EInvalid, ""},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), core.EInvalid, ""},
		{"heic", heic, core.EInvalid, ""},
		{"exe", []byte("MZ\x90\x00"), core.EInvalid, ""},
		{"truncated png", encodePNG(t, 20, 10)[:40], core.EInvalid, ""},
		{"bomb 100000x100000", bomb(t, 100000, 100000), core.ETooLarge, ""},
		{"too wide", bomb(t, 9000, 1), core.ETooLarge, ""},
		{"too many pixels", bomb(t, 5000, 5000), core.ETooLarge, ""},
		{"oversized jpeg", append(jp.Bytes(), make([]byte, MaxImageBytes)...), core.ETooLarge, ""},
		{"oversized video", append(mp4, make([]byte, MaxVideoBytes)...), core.ETooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Media{Name: "x", Data: tt.data}
			err := CheckMedia(m)
			if core.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("err = %v, want code %q", err, tt.code)
			}
			if tt.code == "" && m.ContentType != tt.typ {
				t.Errorf("type = %q, want %q", m.ContentType, tt.typ)
			}
			if tt.code != "" {
				var e *core.Error
				if !asErr(err, &e) || e.Key == "" {
					t.Errorf("error %v has no translatable key", err)
				}
			}
		})
	}
}

func asErr(err error, e **core.Error) bool {
	x, ok := err.(*core.Error)
	*e = x
	return ok
}

func TestTransition(t *testing.T) {
	author := core.Principal{PersonID: "a", OrgID: "o", Roles: []core.Role{core.RoleExpert}}
	other := core.Principal{PersonID: "b", OrgID: "o", Roles: []core.Role{core.RoleExpert}}
	admin := core.Principal{PersonID: "a", OrgID: "o", Roles: []core.Role{core.RoleOrgAdmin}}
	worker := core.Principal{PersonID: "w", OrgID: "o", Roles: []core.Role{core.RoleEmployee}}
	stranger := core.Principal{PersonID: "s", OrgID: "x", Roles: []core.Role{core.RoleExpert}}
	tests := []struct {
		name   string
		p      core.Principal
		status Status
		act    Action
		want   Status
		code   string
	}{
		{"author submits draft", author, Draft, ActSubmit, InReview, ""},
		{"submit twice", author, InReview, ActSubmit, "", core.EConflict},
		{"other expert publishes", other, InReview, ActPublish, Published, ""},
		{"author publishes own", author, InReview, ActPublish, "", core.EForbidden},
		{"admin who wrote it publishes", admin, InReview, ActPublish, "", core.EForbidden},
		{"publish a draft", other, Draft, ActPublish, "", core.EConflict},
		{"reviewer sends back", other, InReview, ActReject, Draft, ""},
		{"editing published makes a draft", other, Published, ActSave, Draft, ""},
		{"worker edits", worker, Draft, ActSave, "", core.EForbidden},
		{"other org reviews", stranger, InReview, ActPublish, "", core.EForbidden},
		{"other org edits", stranger, Draft, ActSave, "", core.EForbidden},
	}
	for _, tt := range tests {
		it := &Item{OrgID: "o", AuthorID: "a", Status: tt.status}
		got, err := Transition(tt.p, it, tt.act)
		if core.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) || got != tt.want {
			t.Errorf("%s: %q, %v; want %q, %q", tt.name, got, err, tt.want, tt.code)
		}
	}
}

func TestReadable(t *testing.T) {
	worker := core.Principal{PersonID: "w", OrgID: "o"}
	expert := core.Principal{PersonID: "e", OrgID: "o", Roles: []core.Role{core.RoleExpert}}
	partner := core.Principal{PersonID: "p", OrgID: "x"}
	for _, tt := range []struct {
		p        core.Principal
		status   Status
		vis      Visibility
		partners bool
		want     bool
	}{
		{worker, Published, VisOrg, false, true},
		{worker, Draft, VisOrg, false, false},
		{expert, Draft, VisOrg, false, true},
		{partner, Published, VisOrg, true, false},
		{partner, Published, VisPartners, false, false},
		{partner, Published, VisPartners, true, true},
		{partner, Draft, VisPublic, true, false},
		{partner, Published, VisPublic, false, true},
	} {
		it := &Item{OrgID: "o", Status: tt.status, Visibility: tt.vis}
		if got := Readable(tt.p, it, tt.partners); got != tt.want {
			t.Errorf("%s reads %s %s (partners %v) = %v", tt.p.PersonID, tt.status, tt.vis, tt.partners, got)
		}
	}
}

func TestItemValidate(t *testing.T) {
	it := &Item{Type: Instruction, TitleNL: " Lassen ", Instruction: &InstructionDetail{Steps: []Step{{}, {TextNL: "a"}}, SafetyNL: []string{"- bril\n\n- handschoenen"}}}
	if err := it.Validate(); err != nil {
		t.Fatal(err)
	}
	if it.Lang != "nl" || it.TitleNL != "Lassen" || len(it.Instruction.Steps) != 1 || len(it.Instruction.SafetyNL) != 2 {
		t.Errorf("normalised = %+v %+v", it, it.Instruction)
	}
	for name, bad := range map[string]*Item{
		"no title":     {Type: Instruction},
		"unknown type": {Type: "x", TitleEN: "a"},
		"bad link":     {Type: Instruction, TitleEN: "a", Instruction: &InstructionDetail{Steps: []Step{{Link: "data:text/html,x"}}}},
		"level 0":      {Type: Instruction, TitleEN: "a", Outcomes: []Outcome{{CompetenceID: core.NewID(), Level: 0}}},
		"visibility":   {Type: Instruction, TitleEN: "a", Visibility: "world"},
	} {
		if err := bad.Validate(); core.ErrorCode(err) != core.EInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	if !ValidCode("HOF-CNC.01") || ValidCode("a b") || ValidCode("") || ValidCode("X/Y") {
		t.Error("ValidCode")
	}
}
