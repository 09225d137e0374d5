package bridge

import (
	"strconv"

	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// MaxCustomFields bounds an associated object's customFields: far above
// any real CRM record, low enough that a hostile page cannot make the
// desktop hold megabytes (each string is at most MaxStringLength).
const MaxCustomFields = 100

// AssociatedObject is Bright Pattern's InteractionAssociatedObject: the CRM
// record (a contact, a case) a call is about.
type AssociatedObject struct {
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	DisplayName  string            `json:"displayName"`
	DisplayType  string            `json:"displayType"`
	CustomFields map[string]string `json:"customFields"`
}

// AssociatedObjectFields are the properties startCall reads from an
// initialObject; any other property is ignored. The loader reads exactly
// these, so the two lists must agree (web/adapi.js, OBJECT_FIELDS).
var AssociatedObjectFields = []string{"id", "type", "displayName", "displayType", "customFields"}

// MaxInitialObjects bounds an initialObject array.
const MaxInitialObjects = 16

// ParseInitialObjects validates an initialObject argument that may be one
// object or an array of them; each path names its index
// (initialObject[2].id). undefined and null mean none.
func ParseInitialObjects(v jsval.Value) ([]AssociatedObject, error) {
	if v.Type != jsval.TypeArray {
		o, err := ParseAssociatedObject(v)
		if o == nil || err != nil {
			return nil, err
		}
		return []AssociatedObject{*o}, nil
	}
	if n := max(v.Len, len(v.Vals)); n > MaxInitialObjects {
		return nil, Errorf(InvalidArgs, "initialObject: too many objects (%d, at most %d)", n, MaxInitialObjects)
	}
	if v.Len > len(v.Vals) {
		return nil, Errorf(InvalidArgs, "initialObject: an array whose items could not be read")
	}
	if len(v.Vals) == 0 {
		return nil, nil
	}
	out := make([]AssociatedObject, 0, len(v.Vals))
	for i, x := range v.Vals {
		o, err := parseAssociatedObject("initialObject["+strconv.Itoa(i)+"]", x)
		if err != nil {
			return nil, err
		}
		if o == nil {
			return nil, WrongType("initialObject["+strconv.Itoa(i)+"]", "object", x)
		}
		out = append(out, *o)
	}
	return out, nil
}

// ParseAssociatedObject validates an initialObject argument. undefined and
// null mean no object (nil, nil). Every problem is an invalid_args error
// whose message starts with the path of the offending field.
func ParseAssociatedObject(v jsval.Value) (*AssociatedObject, error) {
	return parseAssociatedObject("initialObject", v)
}

func parseAssociatedObject(path string, v jsval.Value) (*AssociatedObject, error) {
	if v.Missing() {
		return nil, nil
	}
	if v.Type != jsval.TypeObject {
		return nil, WrongType(path, "object", v)
	}
	o := &AssociatedObject{}
	var err error
	if o.ID, err = StringField(path, ".id", v.Get("id"), true); err != nil {
		return nil, err
	}
	if o.Type, err = StringField(path, ".type", v.Get("type"), true); err != nil {
		return nil, err
	}
	if o.DisplayName, err = StringField(path, ".displayName", v.Get("displayName"), false); err != nil {
		return nil, err
	}
	if o.DisplayType, err = StringField(path, ".displayType", v.Get("displayType"), false); err != nil {
		return nil, err
	}
	if o.CustomFields, err = customFields(path+".customFields", v.Get("customFields")); err != nil {
		return nil, err
	}
	return o, nil
}

func customFields(path string, v jsval.Value) (map[string]string, error) {
	if v.Missing() {
		return nil, nil
	}
	if v.Type != jsval.TypeObject {
		return nil, WrongType(path, "object of strings", v)
	}
	if n := max(v.Len, len(v.Keys)); n > MaxCustomFields {
		return nil, Errorf(InvalidArgs, "%s: too many fields (%d, at most %d)", path, n, MaxCustomFields)
	}
	m := make(map[string]string, len(v.Keys))
	for i, k := range v.Keys {
		// The field's path is built only for an error message.
		fp := func() string { return path + "." + KeyPath(k) }
		if jsval.JSLength(k) > MaxStringLength {
			return nil, Errorf(InvalidArgs, "%s: key too long (%d characters, at most %d)", fp(), jsval.JSLength(k), MaxStringLength)
		}
		val := jsval.Undefined
		if i < len(v.Vals) {
			val = v.Vals[i]
		}
		if val.Missing() {
			return nil, WrongType(fp(), "string", val)
		}
		s, err := StringField("", "", val, false)
		if err != nil {
			return nil, stringFieldErr(fp(), val)
		}
		m[k] = s
	}
	return m, nil
}

// AppendJSON writes o as JSON, null when o is nil (jsonw.Appender).
func (o *AssociatedObject) AppendJSON(b []byte) []byte {
	if o == nil {
		return append(b, "null"...)
	}
	return o.AppendEntry(b, nil)
}

// AppendEntry writes o; with a source, as an entry of
// InteractionData.associatedObjects.list.
func (o *AssociatedObject) AppendEntry(b []byte, source *string) []byte {
	b = append(b, `{"id":`...)
	b = jsonw.String(b, o.ID)
	b = append(b, `,"type":`...)
	b = jsonw.String(b, o.Type)
	b = append(b, `,"displayName":`...)
	b = jsonw.String(b, o.DisplayName)
	b = append(b, `,"displayType":`...)
	b = jsonw.String(b, o.DisplayType)
	b = append(b, `,"customFields":`...)
	b = jsonw.Append(b, o.CustomFields)
	if source != nil {
		b = append(b, `,"source":`...)
		b = jsonw.String(b, *source)
	}
	return append(b, '}')
}
