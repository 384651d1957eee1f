// Package markdown turns user-written Markdown (lessons learned, and any
// other text people write) into HTML that is safe to put in a page:
// goldmark renders CommonMark with GitHub tables and strikethrough, and
// bluemonday's UGC policy then removes anything that could run script or
// pull content from elsewhere. Raw HTML in the source is never trusted.
package markdown

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)
	// Images only from this server (uploads are served under our own
	// paths), so a lesson cannot track its readers through a remote image.
	localImage = regexp.MustCompile(`^/[A-Za-z0-9/_.-]*$`)
	policy     = func() *bluemonday.Policy {
		// Built from nothing rather than from UGCPolicy, which allows
		// images from anywhere.
		p := bluemonday.NewPolicy()
		p.AllowElements("p", "br", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
			"h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td")
		p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
		p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9+-]{1,30}$`)).OnElements("code")
		p.AllowAttrs("href").OnElements("a")
		p.AllowURLSchemes("http", "https", "mailto")
		p.AllowRelativeURLs(true)
		p.RequireParseableURLs(true)
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		p.AllowAttrs("src").Matching(localImage).OnElements("img")
		p.AllowAttrs("alt", "title").OnElements("img")
		return p
	}()
)

// MaxSource bounds what Render accepts; longer input is cut.
const MaxSource = 200_000

// HTML renders src to sanitised HTML ("" for ""). An error of the
// renderer (which only fails on writer errors) yields the text escaped.
func HTML(src string) template.HTML {
	if src == "" {
		return ""
	}
	if len(src) > MaxSource {
		src = src[:MaxSource]
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	out := policy.SanitizeBytes(buf.Bytes())
	return template.HTML(out)
}

// Render is HTML under its older name.
func Render(src string) template.HTML { return HTML(src) }

// PlainText returns src without Markdown syntax, roughly, for search and
// snippets.
func PlainText(src string) string {
	r := strings.NewReplacer("#", " ", "*", " ", "_", " ", "`", " ", ">", " ", "[", " ", "]", " ", "!", " ", "|", " ")
	return r.Replace(src)
}
