package main

import (
	"flag"
	"strconv"

	"github.com/bakenhq/baken/internal/digest"
)

// digestFlags registers the email digest's flags on fs and returns a
// function that reads them after parsing. The SMTP password is read from
// the environment only, never from a flag that shows in process lists.
func digestFlags(fs *flag.FlagSet, e *env) func() (digest.Config, error) {
	addr := fs.String("smtp-addr", e.getenv("BAKEN_SMTP_ADDR"), "SMTP server host:port for the daily notification digest; empty: no email (env BAKEN_SMTP_ADDR)")
	from := fs.String("smtp-from", envOr(e, "BAKEN_SMTP_FROM", ""), "sender address of the digest (env BAKEN_SMTP_FROM)")
	user := fs.String("smtp-user", e.getenv("BAKEN_SMTP_USER"), "SMTP user name, with the password in env BAKEN_SMTP_PASSWORD (env BAKEN_SMTP_USER)")
	base := fs.String("base-url", e.getenv("BAKEN_BASE_URL"), "public URL of this Baken, for links in emails (env BAKEN_BASE_URL)")
	hourDefault := 6
	if h, err := strconv.Atoi(e.getenv("BAKEN_DIGEST_HOUR")); err == nil {
		hourDefault = h
	}
	hour := fs.Int("digest-hour", hourDefault, "hour of the day (UTC) to send the digest (env BAKEN_DIGEST_HOUR)")
	return func() (digest.Config, error) {
		c := digest.Config{Addr: *addr, From: *from, Username: *user, Password: e.getenv("BAKEN_SMTP_PASSWORD"), BaseURL: *base, Hour: *hour}
		return c, c.Validate()
	}
}
