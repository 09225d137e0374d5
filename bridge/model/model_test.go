package model

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge/phone"
)

func TestModel(t *testing.T) {
	clock := phone.NewFakeClock(time.Unix(0, 0))
	p := New(clock)
	var got []string
	p.SetHandler(func(e phone.Event) { got = append(got, fmt.Sprint(e.Kind, " ", e.Call, " ", e.Status)) })
	p.Configure(Settings{Mode: Healthy, AnswerDelay: time.Second})
	if ok, err := p.TryDial("a", "100"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := p.Hold(context.Background(), "a", true); !errors.Is(err, phone.ErrBadState) {
		t.Fatalf("hold while dialling: %v", err)
	}
	clock.Advance(time.Second)
	must(t, p.Hold(context.Background(), "a", true))
	must(t, p.SendDTMF(context.Background(), "a", "12"))
	must(t, p.SendDTMF(context.Background(), "a", "3#"))
	if p.Digits("a") != "123#" {
		t.Fatal(p.Digits("a"))
	}
	must(t, p.Hangup(context.Background(), "a"))
	if err := p.Hangup(context.Background(), "a"); !errors.Is(err, phone.ErrNoSuchCall) {
		t.Fatalf("second hang-up: %v", err)
	}
	in, err := p.Ring("200", "")
	must(t, err)
	must(t, p.Accept(context.Background(), in))
	must(t, p.FarHangup(in, 0, ""))
	if want := "3 a 0|1 in-1 0|4 in-1 0"; strings.Join(got, "|") != want {
		t.Fatalf("events %v", got)
	}
	if clock.Pending() != 0 {
		t.Fatal("timers left")
	}
	// A dead phone places nothing and gives up with its context.
	p.Configure(Settings{Mode: Dead})
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("deadline"))
	if err := p.Dial(ctx, "b", "100"); err == nil || err.Error() != "deadline" {
		t.Fatalf("dead: %v", err)
	}
	// Credentials: any non-empty, unless rejecting; never printed.
	if err := p.Register(context.Background(), phone.Credentials{Username: "a"}); !errors.Is(err, phone.ErrInvalidCredentials) {
		t.Fatal(err)
	}
	c := phone.Credentials{Username: "a", Password: "s3cret"}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
		if strings.Contains(s, "s3cret") {
			t.Fatalf("password printed: %s", s)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
