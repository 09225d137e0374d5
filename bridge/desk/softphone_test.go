package desk

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

var allStates = []State{StateDeliveryPending, StateDelivered, StateHold, StateWrapUp, StateCompleted}

func TestTransitions(t *testing.T) {
	legal := map[[2]State]bool{
		{StateDeliveryPending, StateDelivered}: true,
		{StateDeliveryPending, StateWrapUp}:    true,
		{StateDeliveryPending, StateCompleted}: true, // an inbound call refused or given up
		{StateDelivered, StateHold}:            true,
		{StateDelivered, StateWrapUp}:          true,
		{StateHold, StateDelivered}:            true,
		{StateHold, StateWrapUp}:               true,
		{StateWrapUp, StateCompleted}:          true,
	}
	for _, from := range allStates {
		for _, to := range allStates {
			if got := CanTransition(from, to); got != legal[[2]State{from, to}] {
				t.Errorf("CanTransition(%s, %s) = %v", from, to, got)
			}
		}
	}
}

// TestActions drives every action from every reachable state: the legal
// ones move, the others are refused with not_suitable_state and change
// nothing.
func TestActions(t *testing.T) {
	type action struct {
		name string
		do   func(*Softphone, string) error
		from State
		to   State
	}
	actions := []action{
		{"Connect", (*Softphone).Connect, StateDeliveryPending, StateDelivered},
		{"Hold", (*Softphone).Hold, StateDelivered, StateHold},
		{"Resume", (*Softphone).Resume, StateHold, StateDelivered},
		{"HangUp", (*Softphone).HangUp, "", StateWrapUp},
		{"Complete", (*Softphone).Complete, StateWrapUp, StateCompleted},
	}
	// how to bring a new call to each state
	reach := map[State][]func(*Softphone, string) error{
		StateDeliveryPending: nil,
		StateDelivered:       {(*Softphone).Connect},
		StateHold:            {(*Softphone).Connect, (*Softphone).Hold},
		StateWrapUp:          {(*Softphone).HangUp},
	}
	for state, path := range reach {
		for _, a := range actions {
			t.Run(fmt.Sprintf("%s from %s", a.name, state), func(t *testing.T) {
				b, sp, _, _ := newTestDesktop()
				sp.Update(func(s *Settings) { s.AnswerDelay = 0 })
				id, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
				if err != nil {
					t.Fatal(err)
				}
				for _, step := range path {
					if err := step(sp, id); err != nil {
						t.Fatal(err)
					}
				}
				ok := (a.from == "" || a.from == state) && CanTransition(state, a.to)
				err = a.do(sp, id)
				if ok != (err == nil) {
					t.Fatalf("err = %v, want ok=%v", err, ok)
				}
				calls := sp.Interactions()
				switch {
				case !ok:
					if code(err) != bridge.NotSuitableState || calls[0].State != state {
						t.Fatalf("refusal: %v, state now %s", err, calls[0].State)
					}
				case a.to == StateCompleted:
					if len(calls) != 0 {
						t.Fatalf("completed interaction not removed: %+v", calls)
					}
				default:
					if calls[0].State != a.to {
						t.Fatalf("state %s, want %s", calls[0].State, a.to)
					}
				}
			})
		}
	}
	_, sp, _, _ := newTestDesktop()
	if err := sp.HangUp("nope"); code(err) != bridge.NoInteraction {
		t.Fatalf("unknown id: %v", err)
	}
}

func TestAgentConditions(t *testing.T) {
	tests := []struct {
		name   string
		set    func(*Settings)
		number string
		want   bridge.Code
	}{
		{"defaults", func(*Settings) {}, "100", 0},
		{"not logged in", func(s *Settings) { s.LoggedIn = false }, "100", bridge.NotLoggedIn},
		{"no phone", func(s *Settings) { s.HasPhone = false }, "100", bridge.LoggedWithoutPhone},
		{"not logged in wins over no phone", func(s *Settings) { s.LoggedIn, s.HasPhone = false, false }, "100", bridge.NotLoggedIn},
		{"not ready", func(s *Settings) { s.AgentState = AgentNotReady }, "100", bridge.NotSuitableState},
		{"self call", func(*Settings) {}, "1001", bridge.SelfCall},
		{"self call formatted", func(*Settings) {}, " 10-01 ", bridge.SelfCall},
		{"self call: the SIP user", func(s *Settings) { s.Username = "2002" }, "2002", bridge.SelfCall},
		{"state wins over self call", func(s *Settings) { s.AgentState = AgentNotReady }, "1001", bridge.NotSuitableState},
		{"no phone wins over state", func(s *Settings) { s.AgentState, s.HasPhone = AgentNotReady, false }, "100", bridge.LoggedWithoutPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, sp, _, _ := newTestDesktop()
			sp.Update(tt.set)
			_, err := b.StartCall(context.Background(), "", jsval.String(tt.number), jsval.Undefined)
			if code(err) != tt.want {
				t.Fatalf("err = %v, want code %d", err, tt.want)
			}
		})
	}
}

func TestSingleLine(t *testing.T) {
	b, sp, _, _ := newTestDesktop()
	sp.Update(func(s *Settings) { s.SingleLine = true })
	id, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.StartCall(context.Background(), "", jsval.String("101"), jsval.Undefined); code(err) != bridge.NotSuitableState {
		t.Fatalf("second call: %v", err)
	}
	sp.HangUp(id) // wrap-up frees the line
	if _, err := b.StartCall(context.Background(), "", jsval.String("101"), jsval.Undefined); err != nil {
		t.Fatalf("after hang-up: %v", err)
	}
}

func TestDeferredDial(t *testing.T) {
	b, sp, _, rec := newTestDesktop()
	sp.Update(func(s *Settings) { s.DeferredDial = true })
	id, err := b.StartCall(context.Background(), "", jsval.String("+1 (415) 555-0142"), contact())
	if err != nil || id != "" {
		t.Fatalf("StartCall = %q, %v; want no id and no error", id, err)
	}
	if sp.Dialpad() != "+14155550142" || len(sp.Interactions()) != 0 || len(rec.names()) != 0 {
		t.Fatalf("dialpad %q, %d interactions, events %v", sp.Dialpad(), len(sp.Interactions()), rec.names())
	}
	call, err := sp.DialpadCall()
	if err != nil {
		t.Fatal(err)
	}
	id, err = b.Place(context.Background(), call)
	if err != nil || id == "" {
		t.Fatalf("Dial: %q %v", id, err)
	}
	sp.ClearDialpad(call.PhoneNumber)
	if d := sp.Interactions()[0]; d.Origination != bridge.ByDialpad || sp.Dialpad() != "" {
		t.Fatalf("dialled %+v, dialpad %q", d, sp.Dialpad())
	}
	// The widget's record goes with the call the agent dials.
	if d := sp.Interactions()[0]; len(d.AssociatedObjects.List) != 1 || d.AssociatedObjects.List[0].ID != "c-1" || d.CallParties[0].Name != "Ada Lovelace" {
		t.Fatalf("dialled without the widget's record: %+v", d)
	}
	if sp.DialpadObject() != nil {
		t.Fatal("the record outlived the Dialpad's number")
	}
	// Reformatting the number by hand keeps the record; another number
	// drops it.
	b.StartCall(context.Background(), "", jsval.String("+1 415 555 0143"), contact())
	sp.SetDialpad("+1 (415) 555-0143")
	if o := sp.DialpadObject(); o == nil || o.ID != "c-1" {
		t.Fatalf("reformatted: record %+v", o)
	}
	sp.SetDialpad("+1 415 555 014")
	sp.SetDialpad("+1 415 555 0143")
	if o := sp.DialpadObject(); o != nil {
		t.Fatalf("edited by hand: record %+v kept", o)
	}
	if call, _ := sp.DialpadCall(); call.Object != nil {
		t.Fatalf("edited by hand: dialled with %+v", call.Object)
	}
	// Deferred Dial does not stop the agent's own Dial, and bad dialpad
	// text is refused naming it.
	sp.SetDialpad("call me")
	if _, err := sp.DialpadCall(); code(err) != bridge.InvalidArgs || !strings.HasPrefix(bridge.AsError(err).Message, "dialpad: ") {
		t.Fatalf("bad dialpad: %v", err)
	}
}

func TestEventsAndPayloads(t *testing.T) {
	b, sp, clock, rec := newTestDesktop()
	sp.Update(func(s *Settings) { s.AnswerDelay = 3 * time.Second })
	id, err := b.StartCall(context.Background(), "", jsval.String("+1 415 555 0101"), contact("customFields", map[string]any{"__proto__": "x"}))
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(3 * time.Second) // the far end answers
	clock.Advance(7 * time.Second)
	sp.Hold(id)
	sp.Resume(id)
	sp.HangUp(id)
	id2, _ := b.StartCall(context.Background(), "", jsval.String("200"), jsval.Undefined)
	sp.Complete(id)
	want := []string{
		OnNewInteraction + " " + id + " delivery_pending",
		OnActiveInteractionSwitch + " " + id,
		OnAgentStateChange + ` "busy"`,
		OnInteractionStateChange + " " + id + " delivered",
		OnInteractionStateChange + " " + id + " hold",
		OnInteractionStateChange + " " + id + " delivered",
		OnInteractionStateChange + " " + id + " wrap_up",
		OnAgentStateChange + ` "after_call_work"`,
		OnNewInteraction + " " + id2 + " delivery_pending",
		OnActiveInteractionSwitch + " " + id2,
		OnAgentStateChange + ` "busy"`,
		OnInteractionStateChange + " " + id + " completed",
		OnInteractionRemoved + " " + id + " completed",
	}
	if got := rec.names(); !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rec.mu.Lock()
	first, wrap := rec.events[0].Data, rec.events[6].Data
	rec.mu.Unlock()
	sel := "c-1"
	wantFirst := &InteractionData{
		InteractionID: id, State: StateDeliveryPending, Type: "voice", Subject: "Call to +14155550101",
		AssociatedObjects: AssociatedObjects{List: []AssociatedObjectEntry{{AssociatedObject: bridge.AssociatedObject{
			ID: "c-1", Type: "contact", DisplayName: "Ada Lovelace", DisplayType: "Contact", CustomFields: map[string]string{"__proto__": "x"}},
			Source: "integration-api"}}, Selected: []string{sel}},
		CallParties:  []CallParty{{ID: id + "-p1", Name: "Ada Lovelace", Phone: "+14155550101"}},
		AttachedData: map[string]string{}, PhoneNumber: "+14155550101", CallDirection: "outbound",
		Origination: bridge.ByAPI, StartTime: epoch.UnixMilli(),
	}
	if !reflect.DeepEqual(first, wantFirst) {
		t.Fatalf("payload\n%+v\nwant\n%+v", first, wantFirst)
	}
	if wrap.EndTime != epoch.Add(10*time.Second).UnixMilli() || wrap.Duration != 10000 {
		t.Fatalf("wrap_up times: end %d duration %d", wrap.EndTime, wrap.Duration)
	}
	if sp.ActiveID() != id2 {
		t.Fatalf("active %q, want %q", sp.ActiveID(), id2)
	}
	// Removing the last interaction leaves none active.
	sp.HangUp(id2)
	sp.Complete(id2)
	rec.mu.Lock()
	last, agent := rec.events[len(rec.events)-2], rec.events[len(rec.events)-1]
	rec.mu.Unlock()
	if agent.String() != OnAgentStateChange+` "ready"` {
		t.Fatalf("the agent's state after the last call: %v", agent)
	}
	if last.Name != OnActiveInteractionSwitch || last.ActiveID != nil || last.Payload() != (*string)(nil) {
		t.Fatalf("last event %v", last)
	}
}

func TestNothingGrows(t *testing.T) {
	b, sp, clock, _ := newTestDesktop()
	for i := 0; i < 1000; i++ {
		id, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
		if err != nil {
			t.Fatal(err)
		}
		sp.HangUp(id)
		sp.Complete(id)
	}
	if len(sp.Interactions()) != 0 || len(sp.calls) != 0 || clock.Pending() != 0 {
		t.Fatalf("left behind: %d calls, %d timers", len(sp.calls), clock.Pending())
	}
}

// TestRace drives one softphone from many goroutines: calls, actions,
// settings and reads. Run with -race.
func TestRace(t *testing.T) {
	b, sp, clock, _ := newTestDesktop()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				id, err := b.StartCall(context.Background(), "", jsval.String(fmt.Sprint(200+g)), contact())
				if err != nil {
					continue // a settings change may refuse it
				}
				sp.Connect(id)
				sp.Hold(id)
				sp.Resume(id)
				sp.HangUp(id)
				sp.Complete(id)
				_ = sp.Interactions()
			}
		}(g)
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			sp.Update(func(s *Settings) { s.AgentState = AgentStates[i%2] })
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			clock.Advance(time.Second)
		}
	}()
	wg.Wait()
	if n := len(sp.Interactions()); n != 0 {
		t.Fatalf("%d interactions left", n)
	}
}

// TestSlowPhoneMakesTheInteractionOnce: a call the phone cannot dial at
// once gets its interaction once (the first id), not one that is made,
// dropped and made again while the phone dials.
func TestSlowPhoneMakesTheInteractionOnce(t *testing.T) {
	b, sp, clock, rec := newTestDesktop()
	sp.Update(func(s *Settings) { s.Phone = PhoneSlow; s.SlowDialDelay = time.Second })
	call, err := bridge.ParseCall(jsval.String("100"), jsval.Undefined)
	if err != nil {
		t.Fatal(err)
	}
	id, err, wait := b.Start(context.Background(), "", call)
	if wait == nil {
		t.Fatalf("a slow phone answered at once: %q %v", id, err)
	}
	done := make(chan string, 1)
	go func() {
		id, err := wait()
		if err != nil {
			t.Error(err)
		}
		done <- id
	}()
	timers := make(chan struct{})
	go func() { clock.WaitTimers(2); close(timers) }() // the deadline and the slow phone's
	select {
	case <-timers:
	case <-time.After(time.Minute): // a bug, not a race: fail rather than hang
		t.Fatal("the slow phone never started dialling")
	}
	clock.Advance(time.Second)
	first := <-done
	sp.Update(func(s *Settings) { s.Phone = PhoneHealthy })
	second, err := b.Place(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(first, "-1") || !strings.HasSuffix(second, "-2") {
		t.Fatalf("ids %q then %q: an interaction was made and dropped", first, second)
	}
	if got := rec.names(); len(got) == 0 || !strings.HasPrefix(got[0], OnNewInteraction+" "+first) {
		t.Fatalf("events %q", got)
	}
}
