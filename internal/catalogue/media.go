package catalogue

import (
	"bytes"
	"image"
	_ "image/jpeg" // register the decoders CheckMedia accepts
	_ "image/png"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhq/baken/internal/core"
)

// Upload limits. Media live in the database (every node serves them), so
// the limits keep one instruction from weighing on everyone's backups.
const (
	MaxImageBytes = 10 << 20
	MaxVideoBytes = 20 << 20
	MaxImageSide  = 8000       // pixels, either side
	MaxImagePix   = 24_000_000 // pixels in all: a 6000×4000 photo
)

// Media types accepted, by what the content is (sniffed), never by the
// name or the type the browser claims. JPEG and PNG cover phone photos and
// screenshots; MP4 and WebM cover phone videos. Other formats (GIF with
// its frame bombs, SVG with its scripts, HEIC) are refused.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	MP4  = "video/mp4"
	WebM = "video/webm"
)

// Media is an uploaded photo or video.
type Media struct {
	ID          string
	OrgID       string
	ContentType string
	Size        int
	Width       int // images only
	Height      int
	Name        string
	SHA256      string
	CreatedBy   string
	CreatedAt   time.Time
	Data        []byte // only when read explicitly
}

// IsVideo reports whether the media is a video.
func (m *Media) IsVideo() bool { return strings.HasPrefix(m.ContentType, "video/") }

// Sniff returns the media type of data from its first bytes, or "".
func Sniff(data []byte) string {
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return JPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		// ISO base media: MP4 and its phone variants (isom, mp41/2, avc1,
		// and "qt  " from iPhones, which browsers play as MP4 too). HEIC
		// photos share the container and are refused.
		switch string(data[8:12]) {
		case "isom", "iso2", "mp41", "mp42", "avc1", "M4V ", "qt  ", "3gp4", "3gp5", "dash":
			return MP4
		}
	case bytes.HasPrefix(data, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return WebM
	}
	return ""
}

// decodeSlots bounds how many images are decoded at once: each full
// decode may take up to ~100 MB at the pixel limit.
var decodeSlots = make(chan struct{}, 2)

// CheckMedia validates an upload and fills ContentType, Size, Width and
// Height. The type comes from the content; images have their dimensions
// read from the header (image.DecodeConfig) and checked before they are
// decoded at all, so a small file that would expand to gigabytes of
// pixels (a decompression bomb) is refused without being decoded; an
// image within the limits is then decoded once to prove it is whole.
// Errors: EInvalid (type, damaged), ETooLarge (bytes or pixels).
func CheckMedia(m *Media) error {
	m.Size = len(m.Data)
	m.Name = strings.TrimSpace(m.Name)
	if utf8.RuneCountInString(m.Name) > 200 || hasControl(m.Name) {
		m.Name = string([]rune(m.Name)[:min(200, utf8.RuneCountInString(m.Name))])
		m.Name = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, m.Name)
	}
	if m.Size == 0 {
		return &core.Error{Code: core.EInvalid, Field: "media", Message: "the file is empty", Key: "media.err.empty"}
	}
	m.ContentType = Sniff(m.Data)
	switch m.ContentType {
	case JPEG, PNG:
		if m.Size > MaxImageBytes {
			return &core.Error{Code: core.ETooLarge, Field: "media", Message: "a photo is at most 10 MB", Key: "media.err.image_size"}
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(m.Data))
		if err != nil {
			return &core.Error{Code: core.EInvalid, Field: "media", Message: "the photo is damaged", Key: "media.err.damaged"}
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide || cfg.Width*cfg.Height > MaxImagePix {
			return &core.Error{Code: core.ETooLarge, Field: "media", Message: "the photo has too many pixels (at most 8000 per side and 24 megapixels)", Key: "media.err.pixels"}
		}
		m.Width, m.Height = cfg.Width, cfg.Height
		decodeSlots <- struct{}{}
		_, _, err = image.Decode(bytes.NewReader(m.Data))
		<-decodeSlots
		if err != nil {
			return &core.Error{Code: core.EInvalid, Field: "media", Message: "the photo is damaged", Key: "media.err.damaged"}
		}
	case MP4, WebM:
		if m.Size > MaxVideoBytes {
			return &core.Error{Code: core.ETooLarge, Field: "media", Message: "a video is at most 20 MB", Key: "media.err.video_size"}
		}
	default:
		return &core.Error{Code: core.EInvalid, Field: "media", Message: "only JPEG or PNG photos and MP4 or WebM videos", Key: "media.err.type"}
	}
	return nil
}
