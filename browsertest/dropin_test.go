package browsertest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// waitFor resolves with the text of the first element matching sel, now or
// when it appears.
func (tb *tab) waitFor(sel string) string {
	tb.t.Helper()
	return evalJS[string](tb, `new Promise(resolve => {
		const sel = `+jsString(sel)+`
		const now = document.querySelector(sel)
		if (now) return resolve(now.textContent)
		new MutationObserver((_, obs) => {
			const e = document.querySelector(sel)
			if (e) { obs.disconnect(); resolve(e.textContent) }
		}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true})
	})`)
}

// TestBrightPatternApp: a CRM app written as Bright Pattern's example app
// is (testdata/bp-app.html), on another origin, with its domain parameter
// pointing at our desktop over HTTPS, for both of their script paths: a
// person clicks its Call button, its logger sees a successful
// START_CALL_RESPONSE, and the call, with the form's object, is on the
// desktop inside its frame.
func TestBrightPatternApp(t *testing.T) {
	for _, v := range []struct{ version, path string }{{"1.0", "communicator"}, {"2.0", "crmembedded"}} {
		t.Run(v.version, func(t *testing.T) {
			tb := openTab(t, "")
			tb.do(chromedp.Navigate(crmURL + "test/bp-app.html?bpatternDomain=" + desktopTLS + "&version=" + v.version + "&integrationKey=bp-key"))
			evalJS[bool](tb, `__integrated.then(() => true)`)
			evalJS[bool](tb, whenReady)
			base := "https://" + desktopTLS + "/agent/" + v.path + "/adapters/"
			if got := evalJS[string](tb, `performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/adapters/')).sort().join(' ')`); !strings.Contains(got, base+"api.js") || !strings.Contains(got, base+"adapi-client.wasm") {
				t.Fatalf("loaded %s", got)
			}

			tb.do(chromedp.Click(chromedp.ID("start_call_button")))
			text := tb.waitFor(`.log-msg[data-message="START_CALL_RESPONSE"]`)
			if !strings.Contains(tb.waitFor(`.log-msg.incoming-result[data-message="START_CALL_RESPONSE"]`), `"status":"success"`) {
				t.Fatalf("logged %s", text)
			}
			var r OperationResult
			if err := json.Unmarshal([]byte(strings.TrimPrefix(text, "START_CALL_RESPONSE ")), &r); err != nil {
				t.Fatal(err)
			}
			id := r.id(t)
			tb.waitFor(`.log-msg[data-message="handler ON_NEW_INTERACTION"]`)
			if hi := evalJS[string](tb, `document.querySelector('.log-msg[data-message="hi"]').textContent`); hi != `hi ["bp-key"]` {
				t.Errorf("hi logged as %q", hi)
			}

			desk := tb.frame("https://" + desktopTLS + "/")
			// Its mount node has no width of its own: the frame's floor
			// keeps the desktop usable (at least 320 px, no sideways scroll).
			if got := evalJS[[]int](desk, `[innerWidth, document.documentElement.scrollWidth]`); got[0] < 320 || got[1] > got[0] {
				t.Errorf("the desktop in the app's frame: [width, scrollWidth] %v", got)
			}
			got := evalJS[string](desk, `JSON.stringify(adApiDesktop.interactions().map(i => [i.interactionId, i.phoneNumber, i.associatedObjects.list[0].displayName, i.associatedObjects.selected]))`)
			if want := `[["` + id + `","+14155550188","Grace Hopper",["003B000000bp"]]]`; got != want {
				t.Fatalf("desktop holds %s, want %s", got, want)
			}
		})
	}
}

// TestCRMPageShowsWhetherTheDesktopAnswers: the demo CRM page's status is
// green only when the desktop said hello to it; on an origin the desktop
// does not allow it says so, in bounded time, and never turns green.
func TestCRMPageShowsWhetherTheDesktopAnswers(t *testing.T) {
	t.Run("allowed", func(t *testing.T) {
		tb := openTab(t, "")
		tb.openURL(crmURL)
		if got := tb.waitFor(`#bridgeStatus[data-state="connected"][data-ready="true"]`); got != "agent desktop connected" {
			t.Fatalf("status %q", got)
		}
	})
	t.Run("not allowed", func(t *testing.T) {
		t.Parallel() // it waits for the 10 s hello deadline
		tb := openTab(t, "")
		tb.openURL(evilURL)
		evalJS[bool](tb, `window.__states = []; new MutationObserver(() => __states.push(bridgeStatus.dataset.ready)).observe(bridgeStatus, {attributes: true}); true`)
		got := tb.waitFor(`#bridgeStatus[data-state="unanswered"]`)
		if !strings.Contains(got, "no answer from the agent desktop") || !strings.Contains(got, strings.TrimSuffix(evilURL, "/")) {
			t.Fatalf("status %q", got)
		}
		if states := evalJS[[]string](tb, `__states`); strings.Contains(strings.Join(states, ","), "true") {
			t.Fatalf("the status was green at some point: %v", states)
		}
	})
}
