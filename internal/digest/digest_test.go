package digest_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/digest"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
)

// smtpServer is a tiny SMTP server for the test: it accepts every mail
// (or refuses RCPT when reject is set) and keeps what it received.
type smtpServer struct {
	ln     net.Listener
	mu     sync.Mutex
	mails  []mail
	reject bool
}

type mail struct {
	from string
	to   []string
	data string
}

func startSMTP(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 test ESMTP")
	var m mail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-test\r\n250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m = mail{from: strings.TrimSpace(line[10:])}
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			s.mu.Lock()
			reject := s.reject
			s.mu.Unlock()
			if reject {
				say("550 no such user")
				continue
			}
			m.to = append(m.to, strings.TrimSpace(line[8:]))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.data = b.String()
			s.mu.Lock()
			s.mails = append(s.mails, m)
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpServer) received() []mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mail(nil), s.mails...)
}

func TestDailyDigestOverSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := startSMTP(t)
		org := &tenancy.Organisation{Kind: tenancy.Company, Name: "Hofman", Slug: "hofman", DefaultLang: "nl"}
		if err := db.CreateOrganisation(ctx, org); err != nil {
			t.Fatal(err)
		}
		jan := &tenancy.Person{Name: "Jan de Vries", Email: "jan@hofman.example", Active: true}
		eva := &tenancy.Person{Name: "Eva", Email: "eva@hofman.example", Language: "en", Active: true}
		noMail := &tenancy.Person{Name: "Piet", Active: true}
		for _, p := range []*tenancy.Person{jan, eva, noMail} {
			if err := db.CreatePerson(ctx, org.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Notify(ctx, org.ID,
			&project.Notification{PersonID: jan.ID, Kind: project.NoticeInvitation, Subject: "Storing spanmiddel", URL: "/projects/x"},
			&project.Notification{PersonID: jan.ID, Kind: project.NoticeNewLesson, Subject: "Klauwen vervangen", URL: "/lessons/y"},
			&project.Notification{PersonID: eva.ID, Kind: project.NoticeReviewRequest, Subject: "Chuck wear", URL: "/lessons/z"},
			&project.Notification{PersonID: noMail.ID, Kind: project.NoticeInvitation, Subject: "x"},
		); err != nil {
			t.Fatal(err)
		}
		cfg := digest.Config{Addr: srv.ln.Addr().String(), From: "baken@hofman.example", BaseURL: "https://baken.hofman.example/", Hour: 6}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		// A refusing server: nothing is lost, the notices stay for the next run.
		srv.mu.Lock()
		srv.reject = true
		srv.mu.Unlock()
		if n, err := digest.Send(ctx, db, cfg, time.Now().Add(time.Second)); err == nil || n != 0 {
			t.Fatalf("refused send: n=%d err=%v", n, err)
		}
		srv.mu.Lock()
		srv.reject = false
		srv.mu.Unlock()
		n, err := digest.Send(ctx, db, cfg, time.Now().Add(time.Second))
		if err != nil || n != 2 {
			t.Fatalf("send: n=%d err=%v", n, err)
		}
		mails := srv.received()
		if len(mails) != 2 {
			t.Fatalf("%d mails received", len(mails))
		}
		byTo := map[string]string{}
		for _, m := range mails {
			byTo[strings.Join(m.to, ",")] = m.data
		}
		janMail := byTo["<jan@hofman.example>"]
		for _, want := range []string{"Je bent uitgenodigd voor: Storing spanmiddel", "https://baken.hofman.example/projects/x", "Nieuwe les waar jij werkt: Klauwen vervangen", "Subject: Baken: 2 nieuwe meldingen"} {
			if !strings.Contains(janMail, want) {
				t.Errorf("Jan's digest lacks %q:\n%s", want, janMail)
			}
		}
		if !strings.Contains(byTo["<eva@hofman.example>"], "Lesson to review: Chuck wear") {
			t.Errorf("Eva's digest (English): %s", byTo["<eva@hofman.example>"])
		}
		// Nothing twice.
		if n, err := digest.Send(ctx, db, cfg, time.Now().Add(time.Second)); err != nil || n != 0 {
			t.Fatalf("second run: n=%d err=%v", n, err)
		}
	})
}

func TestConfig(t *testing.T) {
	for _, c := range []digest.Config{{Addr: "nohost", From: "a@b"}, {Addr: "h:25", From: "nope"}, {Addr: "h:25", From: "a@b", Hour: 24}} {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if (digest.Config{}).Validate() != nil {
		t.Error("an empty config (digest off) is valid")
	}
	now := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	if got := digest.Next(digest.Config{Hour: 6}, now); !got.Equal(time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("Next = %v", got)
	}
	if got := digest.Next(digest.Config{Hour: 8}, now); !got.Equal(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("Next = %v", got)
	}
}
