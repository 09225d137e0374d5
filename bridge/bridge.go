// Package bridge is the startCall contract of adApi-go's product, in plain
// Go: the arguments as the loader copied them (bridge/jsval's Values),
// validated and normalised; Bright Pattern's OperationResult errors; the
// dial plan and policy, the idempotency keys and the placement deadline
// applied to every call. The agent desktop behind it is bridge/desk.
// Neither imports syscall/js; the wasm glue in ../wasm is the only code
// that meets the page.
package bridge

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/adapi-go/adapi-go/bridge/dialplan"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// DefaultPlacementTimeout is how long dialling may take to start before
// startCall answers "Timeout error" (placementTimeoutMs in
// adapi-config.json).
const DefaultPlacementTimeout = 5 * time.Second

// giveUpAfter is how long past the placement deadline the bridge still
// waits for a Desktop that ignores its context. A Desktop that honours the
// context answers at once; this only bounds one that never answers.
const giveUpAfter = time.Second

// Origination says how a call was placed, as InteractionData.origination.
type Origination string

// AppendJSON writes o as a JSON string (jsonw.Appender).
func (o Origination) AppendJSON(b []byte) []byte { return jsonw.String(b, string(o)) }

const (
	ByAPI     Origination = "integration-api"
	ByDialpad Origination = "dialpad"
)

// Call is a validated request to place a call.
type Call struct {
	PhoneNumber string             // normalised (NormalizePhone); the Bridge makes it canonical (dialplan.Plan)
	Object      *AssociatedObject  // the first (selected) object; nil: none
	More        []AssociatedObject // the others, when initialObject was an array
	Origin      string             // the origin that asked; "" is the desktop page itself
	Origination Origination

	notCanonical string // why PhoneNumber could not be made canonical ("" when it is)
}

// Objects are the call's associated objects, the selected one first.
func (c Call) Objects() []AssociatedObject {
	if c.Object == nil {
		return nil
	}
	return append([]AssociatedObject{*c.Object}, c.More...)
}

// ParseCall validates startCall's two documented arguments. initialObject
// may be one object or an array of them (Bright Pattern's InitialObjects).
func ParseCall(phone, initialObject jsval.Value) (Call, error) {
	n, err := NormalizePhone(phone)
	if err != nil {
		return Call{}, err
	}
	os, err := ParseInitialObjects(initialObject)
	if err != nil {
		return Call{}, err
	}
	c := Call{PhoneNumber: n, Origination: ByAPI}
	if len(os) > 0 {
		c.Object, c.More = &os[0], os[1:]
	}
	return c, nil
}

// Desktop places calls: the agent desktop's softphone. StartCall returns
// once dialling has started, with the new interaction's id, or with "" and
// no error when the call was not started but left for the agent (Deferred
// Dial). It should give up when ctx is done and then place nothing.
type Desktop interface {
	StartCall(ctx context.Context, c Call) (id string, err error)
}

// Checker is a Desktop that can say, without placing anything, whether the
// agent could take c now (not logged in, no phone, state, own number).
// The Bridge asks it first, so that the agent's conditions come before the
// dial policy, as SPEC.md orders them.
type Checker interface {
	Check(c Call) error
}

// Bridge serves startCall: it validates the arguments, applies the dial
// policy, asks the Desktop, bounds the wait by the placement deadline and
// turns whatever goes wrong, a panic included, into Bright Pattern's error
// for that one call. Set its fields before its first call.
type Bridge struct {
	Desktop          Desktop
	Clock            Clock         // nil: RealClock
	PlacementTimeout time.Duration // 0: DefaultPlacementTimeout
	Plan             dialplan.Plan // how numbers become canonical; the zero value knows no country
	Policy           DialPolicy    // the zero value allows every number
	// Store, when set, keeps the rate limit's counts and the idempotency
	// keys where every document of the desktop's origin sees them
	// (localStorage); nil: this document's memory.
	Store Store
	// Refuse, when set, is every call's answer: the desktop has no valid
	// config (config.Unusable) and places nothing on guesses.
	Refuse error

	once  sync.Once
	pol   *policy
	dupes *dedup
}

func (b *Bridge) init() {
	b.once.Do(func() {
		if b.Clock == nil {
			b.Clock = RealClock{}
		}
		b.pol = newPolicy(b.Policy, b.Clock, b.Store)
		b.dupes = newDedup(b.Clock)
	})
}

// StartCall is adApi.startCall(phoneNumber, initialObject) asked by origin.
func (b *Bridge) StartCall(ctx context.Context, origin string, phone, initialObject jsval.Value) (string, error) {
	c, err := ParseCall(phone, initialObject)
	if err != nil {
		return "", err
	}
	c.Origin = origin
	return b.Place(ctx, c)
}

type placed struct {
	id  string
	err error
}

// Trier is a Desktop that can often place a call without waiting (a
// healthy softphone starts dialling at once). TryStartCall answers at once
// when it can (dial == nil). Otherwise it has made the call ready and dial,
// which blocks, places it: the Bridge calls dial once, bounded by the
// placement deadline, instead of StartCall. The Bridge uses it to settle
// most calls without a goroutine.
type Trier interface {
	TryStartCall(c Call) (id string, err error, dial func(ctx context.Context) (string, error))
}

// Place asks the Desktop to place c within the placement deadline, if the
// agent could take it and the dial policy allows it.
func (b *Bridge) Place(ctx context.Context, c Call) (string, error) {
	return b.PlaceOnce(ctx, "", c)
}

// PlaceOnce is Place with an idempotency key ("" for none): a repeat of a
// key within IdempotencyWindow, from the same origin, waits for and returns
// the first call's result, and dials nothing.
func (b *Bridge) PlaceOnce(ctx context.Context, key string, c Call) (string, error) {
	id, err, wait := b.Start(ctx, key, c)
	if wait != nil {
		return wait()
	}
	return id, err
}

// Start begins placing c, as PlaceOnce does. When the answer is there at
// once (bad state, policy, a healthy phone, a repeated key already
// answered) it returns it with wait == nil. Otherwise wait, which blocks,
// gives it: run it in a goroutine where blocking is not allowed (in a
// JavaScript callback).
func (b *Bridge) Start(ctx context.Context, key string, c Call) (id string, err error, wait func() (string, error)) {
	b.init()
	if b.Refuse != nil {
		return "", b.Refuse, nil
	}
	if key == "" {
		return b.start(ctx, c)
	}
	k := c.Origin + "\x00" + key
	e, first := b.dupes.claim(k)
	if !first {
		if isClosed(e.done) {
			return e.id, e.err, nil
		}
		return "", nil, func() (string, error) {
			select {
			case <-e.done:
				return e.id, e.err
			case <-ctx.Done():
				return "", context.Cause(ctx)
			}
		}
	}
	var shared *sharedKeys
	if b.Store != nil {
		sk := sharedKeys{store: b.Store, clock: b.Clock}
		if prev, ok := sk.lookup(c.Origin, key); ok {
			// Another document of the desktop's origin (a frame, a page
			// before a reload) had this key first.
			if !prev.pending {
				b.dupes.finish(k, e, prev.id, nil)
				return prev.id, nil, nil
			}
			return "", nil, func() (string, error) {
				id, err := b.awaitShared(ctx, sk, c.Origin, key)
				b.dupes.finish(k, e, id, err)
				return id, err
			}
		}
		sk.set(c.Origin, key, e.at, "", true, false)
		shared = &sk
	}
	finish := func(id string, err error) {
		b.dupes.finish(k, e, id, err)
		if shared != nil {
			shared.set(c.Origin, key, e.at, id, false, err != nil)
		}
	}
	id, err, w := b.start(ctx, c)
	if w == nil {
		finish(id, err)
		return id, err, nil
	}
	return "", nil, func() (string, error) {
		id, err := w()
		finish(id, err)
		return id, err
	}
}

// sharedPoll is how often a repeated key waits on another document's
// first call (through the Store, which has no change notification here).
const sharedPoll = 100 * time.Millisecond

// awaitShared waits for another document's first call with key: its id,
// or an error if it failed (it released the key) or never answered.
func (b *Bridge) awaitShared(ctx context.Context, sk sharedKeys, origin, key string) (string, error) {
	end := b.Clock.Now().Add(b.timeout() + giveUpAfter + sharedPoll)
	for {
		prev, ok := sk.lookup(origin, key)
		switch {
		case !ok:
			return "", Errorf(UnknownError, "the first call with this idempotencyKey (in another frame of the agent desktop) failed; nothing was dialled")
		case !prev.pending:
			return prev.id, nil
		case !b.Clock.Now().Before(end):
			return "", Errorf(APINotAnswer, "the first call with this idempotencyKey (in another frame of the agent desktop) did not answer; nothing was dialled")
		}
		tick := make(chan struct{})
		stop := b.Clock.AfterFunc(sharedPoll, func() { close(tick) })
		select {
		case <-tick:
		case <-ctx.Done():
			stop()
			return "", context.Cause(ctx)
		}
	}
}

// Canonical makes c's number canonical with the dial plan (dialplan.Plan),
// as every placement does before the agent's conditions and the policy.
// Code that takes a number for the agent to dial (a transfer, a
// conference) goes through Place, or calls this and then the policy.
func (b *Bridge) Canonical(c Call) (Call, error) {
	n, why, err := b.Plan.Canonical(c.PhoneNumber)
	if err != nil {
		return c, Errorf(InvalidArgs, "%v", err)
	}
	c.PhoneNumber, c.notCanonical = n, why
	return c, nil
}

func (b *Bridge) start(ctx context.Context, c Call) (string, error, func() (string, error)) {
	c, err := b.Canonical(c)
	if err != nil {
		return "", err, nil
	}
	if ch, ok := b.Desktop.(Checker); ok {
		if err := ch.Check(c); err != nil {
			return "", err, nil
		}
	}
	if err := b.pol.check(c); err != nil {
		return "", err, nil
	}
	if err := context.Cause(ctx); err != nil {
		return "", err, nil
	}
	dial := func(ctx context.Context) (string, error) { return b.Desktop.StartCall(ctx, c) }
	if t, ok := b.Desktop.(Trier); ok {
		var id string
		id, err, dial = tryStart(t, c)
		if dial == nil {
			return id, err, nil
		}
	}
	return "", nil, func() (string, error) { return b.placeChecked(ctx, dial) }
}

// tryStart contains a panic in the Desktop.
func tryStart(t Trier, c Call) (id string, err error, dial func(context.Context) (string, error)) {
	defer func() {
		if r := recover(); r != nil {
			id, err, dial = "", Errorf(UnknownError, "the desktop failed: %v", r), nil
		}
	}()
	return t.TryStartCall(c)
}

// placeChecked has dial place the call, bounded by the deadline.
func (b *Bridge) placeChecked(ctx context.Context, dial func(context.Context) (string, error)) (id string, err error) {
	clock := b.Clock
	timeout := b.timeout()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := clock.AfterFunc(timeout, func() { cancel(ErrTimeout) })
	defer stop()

	done := make(chan placed, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- placed{err: Errorf(UnknownError, "the desktop failed: %v", r)}
			}
		}()
		id, err := dial(ctx)
		done <- placed{id, err}
	}()
	select {
	case r := <-done:
		return r.id, b.outcome(ctx, r.err)
	case <-ctx.Done():
	}
	// The deadline passed or the caller gave up. A Desktop that honours ctx
	// answers now, possibly with an id if dialling started just in time;
	// one that doesn't gets a little longer, then the call is abandoned.
	late := make(chan struct{})
	stopLate := clock.AfterFunc(giveUpAfter, func() { close(late) })
	defer stopLate()
	select {
	case r := <-done:
		return r.id, b.outcome(ctx, r.err)
	case <-late:
		return "", b.outcome(ctx, ctx.Err())
	}
}

// outcome maps a Desktop's error into Bright Pattern's terms.
func (b *Bridge) outcome(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	if ctx.Err() != nil {
		if cause := context.Cause(ctx); cause == ErrTimeout {
			return ErrTimeout
		} else if cause != nil {
			return cause // the caller's own cancellation, as they gave it
		}
	}
	return AsError(fmt.Errorf("%w", err))
}

func (b *Bridge) timeout() time.Duration {
	if b.PlacementTimeout <= 0 {
		return DefaultPlacementTimeout
	}
	return b.PlacementTimeout
}

// PlacementDeadline is how long a placement may take: PlacementTimeout, or
// DefaultPlacementTimeout when unset.
func (b *Bridge) PlacementDeadline() time.Duration { return b.timeout() }

// ClockInUse is b's clock, RealClock when none was set.
func (b *Bridge) ClockInUse() Clock {
	b.init()
	return b.Clock
}
