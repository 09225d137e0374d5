package sip

import (
	"errors"
	"testing"
)

// A registrar that answers 423 again with a Min-Expires the UA already
// asked for (or one below what it asks) gets no more REGISTERs: the
// registration fails with that 423, instead of a REGISTER storm.
func TestRegisterIntervalTooBriefAgainFails(t *testing.T) {
	for _, minExpires := range []string{"3600", "30"} {
		t.Run(minExpires, func(t *testing.T) {
			h := newHarness(t) // asks for 60 s
			done := h.startRegister()
			req := h.expect("REGISTER")
			if minExpires == "3600" {
				h.reply(req, 423, "Interval Too Brief", []Header{{Name: "Min-Expires", Value: "3600"}}, "")
				if req = h.expect("REGISTER"); req.Get("Expires") != "3600" {
					t.Fatalf("after the first 423:\n%s", req)
				}
			}
			h.reply(req, 423, "Interval Too Brief", []Header{{Name: "Min-Expires", Value: minExpires}}, "")
			h.quiet()
			var se *StatusError
			if err := recv(t, done); !errors.As(err, &se) || se.Code != 423 {
				t.Fatalf("Register: %v, want the 423", err)
			}
		})
	}
}
