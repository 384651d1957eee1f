// Package digest sends the daily email digest of unread in-app
// notifications over SMTP (net/smtp). It runs on every node; the store's
// ClaimDigest marks what it takes in one transaction, so two nodes never
// send the same notice twice, and a notice whose email failed is given
// back for the next run.
package digest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/i18n"
	"github.com/bakenhq/baken/internal/store"
)

// Config says where and when to send. An empty Addr turns the digest off.
type Config struct {
	Addr     string // SMTP server host:port (BAKEN_SMTP_ADDR)
	From     string // sender address (BAKEN_SMTP_FROM)
	Username string // optional; PLAIN auth, which net/smtp only sends over TLS or to localhost
	Password string
	BaseURL  string // https://baken.example.com, for links in the email (BAKEN_BASE_URL)
	Hour     int    // hour of the day (UTC) to send, 0–23 (BAKEN_DIGEST_HOUR, default 6)
}

// Enabled reports whether a digest should be sent.
func (c Config) Enabled() bool { return c.Addr != "" }

// Validate checks the configuration. Errors name the setting.
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("BAKEN_SMTP_ADDR %q: want host:port", c.Addr)
	}
	if !strings.Contains(c.From, "@") || strings.ContainsAny(c.From, "\r\n<>") {
		return fmt.Errorf("BAKEN_SMTP_FROM %q: want an email address", c.From)
	}
	if c.Hour < 0 || c.Hour > 23 {
		return fmt.Errorf("BAKEN_DIGEST_HOUR %d: want 0–23", c.Hour)
	}
	return nil
}

// Send sends one digest email per person with unread notifications that
// were never emailed, and returns how many emails went out. A failed email
// gives its notices back to the next run.
func Send(ctx context.Context, db *store.DB, cfg Config, now time.Time) (int, error) {
	if !cfg.Enabled() {
		return 0, nil
	}
	rs, err := db.ClaimDigest(ctx, now)
	if err != nil {
		return 0, err
	}
	var auth smtp.Auth
	if cfg.Username != "" {
		host, _, _ := net.SplitHostPort(cfg.Addr)
		auth = smtp.PlainAuth("", cfg.Username, cfg.Password, host)
	}
	sent := 0
	var firstErr error
	for _, r := range rs {
		if err := ctx.Err(); err != nil {
			firstErr = err
		}
		if firstErr == nil {
			if err := smtp.SendMail(cfg.Addr, auth, cfg.From, []string{r.Email}, Message(cfg, r, now)); err != nil {
				firstErr = fmt.Errorf("digest to %s: %w", r.Email, err)
			} else {
				sent++
				continue
			}
		}
		ids := make([]string, len(r.Notices))
		for i, n := range r.Notices {
			ids[i] = n.ID
		}
		if err := db.UnclaimDigest(context.WithoutCancel(ctx), ids); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return sent, firstErr
}

// Message builds the email for one person in their language: plain text,
// UTF-8, quoted-printable-free (short lines, 8bit).
func Message(cfg Config, r *store.DigestRecipient, now time.Time) []byte {
	lang := r.Lang
	if !i18n.Supported(lang) {
		lang = "en"
	}
	var b strings.Builder
	subject := i18n.T(lang, "digest.subject", len(r.Notices))
	var id [8]byte
	_, _ = rand.Read(id[:])
	host := "baken.invalid"
	if at := strings.LastIndex(cfg.From, "@"); at >= 0 {
		host = cfg.From[at+1:]
	}
	fmt.Fprintf(&b, "From: Baken <%s>\r\n", cfg.From)
	fmt.Fprintf(&b, "To: %s\r\n", mime.QEncoding.Encode("utf-8", r.Name)+" <"+r.Email+">")
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id[:]), host)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n")
	fmt.Fprintf(&b, "%s\r\n\r\n", i18n.T(lang, "digest.hello", r.Name))
	base := strings.TrimSuffix(cfg.BaseURL, "/")
	for _, n := range r.Notices {
		line := i18n.T(lang, "notice."+string(n.Kind), n.Subject)
		// A line starting with a dot would end the SMTP data early in
		// naive servers; net/smtp escapes it, but keep lines plain anyway.
		fmt.Fprintf(&b, "- %s\r\n", strings.ReplaceAll(line, "\n", " "))
		if base != "" && n.URL != "" {
			fmt.Fprintf(&b, "  %s%s\r\n", base, n.URL)
		}
	}
	fmt.Fprintf(&b, "\r\n%s\r\n", i18n.T(lang, "digest.footer"))
	return []byte(b.String())
}

// Next returns the next moment at cfg.Hour:00 UTC after now.
func Next(cfg Config, now time.Time) time.Time {
	now = now.UTC()
	t := time.Date(now.Year(), now.Month(), now.Day(), cfg.Hour, 0, 0, 0, time.UTC)
	if !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// Run sends the digest every day at cfg.Hour until ctx ends.
func Run(ctx context.Context, db *store.DB, cfg Config, log *slog.Logger) {
	if !cfg.Enabled() {
		return
	}
	for {
		wait := time.Until(Next(cfg, time.Now()))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		n, err := Send(ctx, db, cfg, time.Now())
		if err != nil && ctx.Err() == nil {
			log.Error("digest", "err", err, "sent", n)
		} else if n > 0 {
			log.Info("digest sent", "emails", n)
		}
	}
}
