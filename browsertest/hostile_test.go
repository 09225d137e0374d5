package browsertest

import (
	"encoding/json"
	"testing"
)

// TestHostileInput calls startCall with everything a page can throw at it.
// Each call settles with a clear error naming the field (or a correct
// success), nothing throws on the page, and a good call works after all.
func TestHostileInput(t *testing.T) {
	tb := openTab(t, "")
	tb.open("")
	type outcome struct {
		Name   string          `json:"name"`
		Result OperationResult `json:"result"`
		Threw  string          `json:"threw"`
	}
	raw := evalJS[json.RawMessage](tb, `(async () => {
		const ok = {id: '1', type: 'contact'}
		const cyclic = {id: '1', type: 'contact'}; cyclic.self = cyclic
		const cyclicFields = {}; cyclicFields.me = cyclicFields
		const revoked = Proxy.revocable({}, {}); revoked.revoke()
		const many = {}; for (let i = 0; i < 10000; i++) many['k' + i] = 'v'
		const cases = {
			'phone number':        [5551234],
			'phone object':        [{}],
			'phone array':         [['5551234']],
			'phone boolean':       [true],
			'phone bigint':        [10n],
			'phone symbol':        [Symbol('x')],
			'phone function':      [() => '100'],
			'phone null':          [null],
			'phone undefined':     [],
			'phone empty':         [''],
			'phone huge':          ['1'.repeat(10 << 20)],
			'phone NUL':           ['555\0 1234'],
			'phone letters':       ['555-CALL-NOW'],
			'phone proxy':         [new Proxy({}, {get() { throw new Error('trap') }})],
			'phone String object': [new String('100')],
			'object string':       ['100', 'contact'],
			'object number':       ['100', 42],
			'object array':        ['100', [ok, 42]],
			'object function':     ['100', function () {}],
			'object bigint':       ['100', 1n],
			'object symbol':       ['100', Symbol('o')],
			'id missing':          ['100', {type: 'contact'}],
			'id number':           ['100', {id: 7, type: 'contact'}],
			'id symbol':           ['100', {id: Symbol('i'), type: 'contact'}],
			'id getter throws':    ['100', {get id() { throw new Error('nope') }, type: 'contact'}],
			'get trap throws':     ['100', new Proxy({}, {get() { throw new TypeError('no access') }})],
			'revoked proxy':       ['100', revoked.proxy],
			'displayName huge':    ['100', {id: '1', type: 'contact', displayName: 'x'.repeat(10 << 20)}],
			'displayName NUL':     ['100', {id: '1', type: 'contact', displayName: 'a\0b'}],
			'customFields array':  ['100', {id: '1', type: 'contact', customFields: ['a']}],
			'custom field number': ['100', {id: '1', type: 'contact', customFields: {age: 42}}],
			'custom field bigint': ['100', {id: '1', type: 'contact', customFields: {n: 1n}}],
			'custom field cycle':  ['100', {id: '1', type: 'contact', customFields: cyclicFields}],
			'custom fields 10000': ['100', {id: '1', type: 'contact', customFields: many}],
			'ownKeys trap throws': ['100', {id: '1', type: 'contact', customFields: new Proxy({}, {ownKeys() { throw new Error('keys') }})}],
			'cyclic object':       ['100', cyclic],
		}
		const out = []
		for (const [name, args] of Object.entries(cases)) {
			try {
				out.push({name, result: await adApi.startCall(...args)})
			} catch (e) {
				out.push({name, threw: String(e)})
			}
		}
		return out
	})()`)
	var got []outcome
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		code int
		msg  string
	}{
		"phone number":        {3, "phoneNumber: want string, got number"},
		"phone object":        {3, "phoneNumber: want string, got object"},
		"phone array":         {3, "phoneNumber: want string, got array"},
		"phone boolean":       {3, "phoneNumber: want string, got boolean"},
		"phone bigint":        {3, "phoneNumber: want string, got bigint"},
		"phone symbol":        {3, "phoneNumber: want string, got symbol"},
		"phone function":      {3, "phoneNumber: want string, got function"},
		"phone null":          {10, "phoneNumber: empty"},
		"phone undefined":     {10, "phoneNumber: empty"},
		"phone empty":         {10, "phoneNumber: empty"},
		"phone huge":          {3, "phoneNumber: too long (10485760 characters, at most 64)"},
		"phone NUL":           {3, `phoneNumber: invalid character '\x00'`},
		"phone letters":       {3, "phoneNumber: invalid character 'C'"},
		"phone proxy":         {3, "phoneNumber: want string, got object"},
		"phone String object": {3, "phoneNumber: want string, got object"},
		"object string":       {3, "initialObject: want object, got string"},
		"object number":       {3, "initialObject: want object, got number"},
		"object array":        {3, "initialObject[1]: want object, got number"},
		"object function":     {3, "initialObject: want object, got function"},
		"object bigint":       {3, "initialObject: want object, got bigint"},
		"object symbol":       {3, "initialObject: want object, got symbol"},
		"id missing":          {3, "initialObject.id: required, got undefined"},
		"id number":           {3, "initialObject.id: want string, got number"},
		"id symbol":           {3, "initialObject.id: want string, got symbol"},
		"id getter throws":    {3, "initialObject.id: could not be read: Error: nope"},
		"get trap throws":     {3, "initialObject.id: could not be read: TypeError: no access"},
		"revoked proxy":       {3, "initialObject: could not be read: TypeError"},
		"displayName huge":    {3, "initialObject.displayName: too long (10485760 characters, at most 4096)"},
		"displayName NUL":     {0, ""},
		"customFields array":  {3, "initialObject.customFields: want object of strings, got array"},
		"custom field number": {3, "initialObject.customFields.age: want string, got number"},
		"custom field bigint": {3, "initialObject.customFields.n: want string, got bigint"},
		"custom field cycle":  {3, "initialObject.customFields.me: want string, got object"},
		"custom fields 10000": {3, "initialObject.customFields: too many fields (10000, at most 100)"},
		"ownKeys trap throws": {3, "initialObject.customFields: could not be read: Error: keys"},
		"cyclic object":       {0, ""}, // unknown keys are ignored, so the cycle is never followed
	}
	if len(got) != len(want) {
		t.Fatalf("%d outcomes for %d cases", len(got), len(want))
	}
	for _, o := range got {
		w, ok := want[o.Name]
		if !ok {
			t.Errorf("unexpected case %q", o.Name)
			continue
		}
		t.Run(o.Name, func(t *testing.T) {
			if o.Threw != "" {
				t.Fatalf("startCall threw: %s", o.Threw)
			}
			if w.code == 0 {
				o.Result.id(t)
				return
			}
			name := map[int]string{3: "invalid_args", 10: "empty_number"}[w.code]
			o.Result.wantError(t, w.code, name, w.msg)
		})
	}
	// The bridge is alive and well.
	evalJS[OperationResult](tb, `adApi.startCall('+14155550123', `+contactJS+`)`).id(t)
}

func TestManyConcurrentCalls(t *testing.T) {
	tb := openTab(t, "")
	tb.open("")
	ids := evalJS[[]string](tb, `Promise.all(Array.from({length: 200}, (_, i) =>
		adApi.startCall('+1415555' + String(i).padStart(4, '0'), {id: 'c' + i, type: 'contact'})))
		.then(rs => rs.map(r => r.status === 'success' ? r.data.id : JSON.stringify(r)))`)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || len(id) < 4 || id[:3] != "ia-" {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	if len(seen) != 200 {
		t.Fatalf("%d distinct ids, want 200", len(seen))
	}
}
